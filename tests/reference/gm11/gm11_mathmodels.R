# Reference values for methods.forecast.gm11 from
#  (1) an independent implementation: the R package mathmodels (Jingxin Zhang / 张敬信, version
#      0.0.11, https://github.com/zhjx19/mathmodels, commit 8bf5e8f), function GM11(): parameters
#      u = (a, b) by least squares (MASS::ginv), fitted values, the forecast function f(k), the
#      class ratios lambda and its applicability range exp(+-2/(n+1));
#  (2) the accuracy tests, which GM11() does not compute, written here in R from the textbook
#      formulas (a second computation by the dgpe author, not a peer package): residuals
#      e(k) = x(k) - fitted(k), k = 1..n; S1, S2 the standard deviations with divisor n of x and e;
#      C = S2/S1; P = share of k with |e(k) - mean(e)| < 0.6745 S1; grade by the C/P table of
#      刘思峰 et al.; mean relative error over k = 2..n; class-ratio bounds exp(-2/(n+1)),
#      exp(2/(n+2)) (司守奎).
#
# mathmodels is not on CRAN; its R sources are read from a folder outside this repository:
#   git clone https://github.com/zhjx19/mathmodels /tmp/gmob-ref   (only R/ is needed)
#   MATHMODELS_R=/tmp/gmob-ref/R Rscript tests/reference/gm11/gm11_mathmodels.R
# Needs MASS and jsonlite. Writes tests/reference/gm11/gm11_mathmodels.json.
suppressPackageStartupMessages({library(jsonlite); library(MASS)})
src = Sys.getenv("MATHMODELS_R", "/tmp/gmob-ref/R")
source(file.path(src, "pred_grey.R"))
here = "tests/reference/gm11"
grades = function(C, P) {
  if (C <= 0.35 && P >= 0.95) return(1)
  if (C <= 0.50 && P >= 0.80) return(2)
  if (C <= 0.65 && P >= 0.70) return(3)
  4
}
case = function(x) {
  n = length(x)
  r = suppressMessages(capture.output(g <- GM11(x)))  # GM11 prints the ratio test verdict
  fitted = as.numeric(g$fitted)
  e = x - fitted
  s1 = sqrt(mean((x - mean(x))^2)); s2 = sqrt(mean((e - mean(e))^2))
  C = s2 / s1
  P = mean(abs(e - mean(e)) < 0.6745 * s1)
  lam = x[1:(n - 1)] / x[2:n]
  lo = exp(-2 / (n + 1)); hi = exp(2 / (n + 2))
  list(x = x, a = g$u[1], b = g$u[2], fitted = fitted, forecast = g$f((n + 1):(n + 3)),
       mathmodels_lambda = as.numeric(g$lambda), mathmodels_range = g$rng,
       mathmodels_verdict = r,
       residuals = e, relative_errors = abs(e) / x, mean_relative_error = mean(abs(e[-1]) / x[-1]),
       C = C, P = P, grade = grades(C, P), bounds = c(lo, hi),
       applicable = all(lam > lo & lam < hi))
}
series = list(
  noise_si = c(71.1, 72.4, 72.4, 72.1, 71.4, 72.0, 71.6),    # 司守奎: road traffic noise
  liu = c(2.874, 3.278, 3.337, 3.390, 3.679),                # 刘思峰 et al.: the 5-point series
  mathmodels_doc = c(100, 120, 145, 175, 210),               # GM11()'s own help example
  pollution = c(174, 179, 183, 189, 207, 234, 220.5, 256, 270, 285),
  falling = c(5202, 5031, 4899, 4733, 4679, 4668, 4642, 4601),
  four = c(12.4, 6.9, 4.3, 9.3),                             # fails the class-ratio test
  volatile = c(1.321, 0.387, 0.651, 0.985, 1.235, 0.987, 0.854, 1.021))
out = list(meta = list(peer = "mathmodels (R)", version = "0.0.11", commit = "8bf5e8f",
                       call = "GM11(x)", script = "tests/reference/gm11/gm11_mathmodels.R",
                       r_version = R.version.string),
           cases = lapply(series, case))
write_json(out, file.path(here, "gm11_mathmodels.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
