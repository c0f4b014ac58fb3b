# Reference values for tests/test_cfa_syntax.py from R lavaan: CFA models written in lavaan syntax
# with residual covariances, cross-loadings, fixed loadings, a free marker (NA*) and fixed factor
# (co)variances.
#
# Data: lavaan's PoliticalDemocracy (Bollen 1989, "Structural Equations with Latent Variables",
# Wiley, p. 428; public data shipped with the lavaan package) is written to
# political_democracy.csv and read back; HolzingerSwineford (hs.csv) comes from psych_reference.R.
# Run from the repository root:   Rscript tests/reference/lavaan_syntax.R
# Writes lavaan_syntax.json at full precision (jsonlite digits = NA).

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
out <- "tests/reference"
write_json_full <- function(x, file) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, matrix = "rowmajor", na = "null",
                    pretty = TRUE), file.path(out, file))
}
write.csv(PoliticalDemocracy, file.path(out, "political_democracy.csv"), row.names = FALSE)
pd <- read.csv(file.path(out, "political_democracy.csv"))
hs <- read.csv(file.path(out, "hs.csv"))

measures <- c("npar", "ntotal", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi",
              "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "logl",
              "unrestricted.logl")

ref <- function(x, syntax) {
  fit <- cfa(syntax, data = x, std.lv = FALSE)
  pe <- parameterEstimates(fit, standardized = TRUE)
  list(syntax = syntax, converged = lavInspect(fit, "converged"),
       fit = as.list(fitMeasures(fit, measures)),
       params = list(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se,
                     std_all = pe$std.all))
}

# lavaan tutorial (https://lavaan.ugent.be/tutorial/sem.html): the measurement part of the
# political democracy SEM with its six residual covariances. With free factor covariances it has
# the fit of the tutorial's SEM (a saturated structural part): chi2 = 38.125, df = 35.
pd_syntax <- "
  # measurement model
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  # residual correlations
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
"
# Holzinger-Swineford: a cross-loading (x9 on visual and speed) and a fixed loading (x8 at 0.8)
hs_cross <- "visual =~ x1 + x2 + x3 + x9
textual =~ x4 + x5 + x6
speed =~ x7 + 0.8*x8 + x9"
# Holzinger-Swineford: free marker with fixed factor variance, a fixed factor covariance, a
# residual covariance
hs_marker <- "visual =~ NA*x1 + x2 + x3; visual ~~ 1*visual
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~~ 0*speed
x7 ~~ x8"
pd_sem <- sem(paste(pd_syntax, "dem60 ~ ind60\n dem65 ~ ind60 + dem60"), data = pd)

write_json_full(list(
  versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
  political_democracy = ref(pd, pd_syntax),
  political_democracy_sem_fit = as.list(fitMeasures(pd_sem, measures)),
  hs_cross = ref(hs, hs_cross),
  hs_marker = ref(hs, hs_marker)
), "lavaan_syntax.json")
cat("lavaan syntax references written\n")
