# Reference values for the methods of issue 7 (grey, fuzzy, RSR, coupling, CV weights) from an
# independent implementation: the R package mathmodels (Jingxin Zhang, "Mathematical Modeling
# Algorithms", version 0.0.11, https://github.com/zhjx19/mathmodels, commit 8bf5e8f).
#
# mathmodels is not on CRAN; its R sources are read from a folder outside this repository:
#   git clone https://github.com/zhjx19/mathmodels /tmp/peer-mathmodels   (only R/ is needed)
#   MATHMODELS_R=/tmp/peer-mathmodels/R Rscript tests/reference/cn_mathmodels.R
# Needs dplyr, tidyr, tibble, jsonlite. Writes tests/reference/cn_*_mathmodels.json.
# The package and its tests never need R; only these stored values are committed.

suppressPackageStartupMessages({library(jsonlite); library(dplyr); library(tidyr); library(tibble)})
src = Sys.getenv("MATHMODELS_R", "/tmp/peer-mathmodels/R")
for (f in c("eval_preprocess.R", "eval_algorithms.R", "eval_fuzzy.R", "eval_system.R",
            "eval_weights.R")) source(file.path(src, f))
# rank_sum_ratio() uses summarise(.by = ) from dplyr >= 1.1; this machine has dplyr 1.0.10
# (Debian). One textual substitution makes it run there with the same meaning: the rows are
# already sorted by RSR and barR is monotone in RSR, so group_by() gives the same groups in the
# same order. Nothing else of the peer code is changed.
if (packageVersion("dplyr") < "1.1.0") {
  txt = readLines(file.path(src, "eval_algorithms.R"), encoding = "UTF-8")
  hit = grep("dplyr::summarise(ID = list(ID), f = dplyr::n(), .by = c(RSR, barR))", txt,
             fixed = TRUE)
  stopifnot(length(hit) == 1)
  txt[hit] = sub("dplyr::summarise(ID = list(ID), f = dplyr::n(), .by = c(RSR, barR))",
                 "dplyr::group_by(RSR, barR) |> dplyr::summarise(ID = list(ID), f = dplyr::n(), .groups = \"drop\")",
                 txt[hit], fixed = TRUE)
  eval(parse(text = txt, encoding = "UTF-8"))
}
here = "tests/reference"
put = function(x, name) write_json(x, file.path(here, name), digits = NA, auto_unbox = TRUE,
                                   pretty = TRUE)
meta = list(peer = "mathmodels (R)", version = "0.0.11", commit = "8bf5e8f",
            script = "tests/reference/cn_mathmodels.R", r_version = R.version.string)

# ---------------------------------------------------------------- grey relational analysis
# Data: Si Shoukui & Sun Xijing, 数学建模算法与应用 (2nd ed.), example 14.5 (file ex14_5.m):
# 9 indicators (rows) x 6 objects; indicators 1, 5-9 benefit, 2-4 cost; min-max normalised,
# reference = best value of each indicator, rho = 0.5, equal weights.
a = matrix(c(0.83, 0.90, 0.99, 0.92, 0.87, 0.95,
             326, 295, 340, 287, 310, 303,
             21, 38, 25, 19, 27, 10,
             3.2, 2.4, 2.2, 2.0, 0.9, 1.7,
             0.20, 0.25, 0.12, 0.33, 0.20, 0.09,
             0.15, 0.20, 0.14, 0.09, 0.15, 0.17,
             250, 180, 300, 200, 150, 175,
             0.23, 0.15, 0.27, 0.30, 0.18, 0.26,
             0.87, 0.95, 0.99, 0.89, 0.82, 0.94), nrow = 9, byrow = TRUE)
dirs = c(1, -1, -1, -1, 1, 1, 1, 1, 1)
z = a
for (i in 1:9) z[i, ] = rescale(a[i, ], type = ifelse(dirs[i] > 0, "+", "-"))
ideal = apply(z, 1, max)
w_eq = rep(1/9, 9)
w_uneq = c(0.2, 0.05, 0.05, 0.1, 0.1, 0.15, 0.1, 0.1, 0.15)
anti = apply(z, 1, min)
grey_eval = list(
  data = a, directions = dirs, weights_unequal = w_uneq,
  grade_equal = unname(grey_corr(ideal, z, rho = 0.5, w = w_eq)),
  grade_unequal = unname(grey_corr(ideal, z, rho = 0.5, w = w_uneq)),
  grade_anti_unequal = unname(grey_corr(anti, z, rho = 0.5, w = w_uneq)),
  grade_rho03 = unname(grey_corr(ideal, z, rho = 0.3, w = w_eq)))
# factor analysis: reference X0 and factors X1..X4 over 12 months, mean scaling (均值化)
x0 = c(0.01, 0.5, 1.5, 10.8, 13, 16.3, 18, 19.3, 14.8, 10.3, 8, 1)
xf = cbind(x1 = c(4.2, 7.4, 10, 16.1, 21.1, 23.9, 24.7, 24.5, 22, 18, 13.1, 6.8),
           x2 = c(17, 10.8, 17.4, 19.7, 248.7, 72.2, 96.9, 269.5, 194.8, 58.1, 4.9, 12.6),
           x3 = c(54.5, 73.8, 84.7, 137, 149.6, 109.5, 101.6, 164.6, 81.6, 84, 79.3, 66.5),
           x4 = c(81, 79, 75, 75, 77, 79, 83, 86, 83, 82, 81, 82))
grey_factor = list(reference = x0, factors = as.data.frame(xf),
                   grade_mean = unname(grey_corr(x0 / mean(x0), sweep(xf, 2, colMeans(xf), "/"))),
                   grade_initial = unname(grey_corr(x0 / x0[1], sweep(xf, 2, xf[1, ], "/"))))
put(c(meta, list(evaluation = grey_eval, factor = grey_factor)), "cn_grey_mathmodels.json")

# ---------------------------------------------------------------- fuzzy comprehensive evaluation
# mathmodels' own example (its R is grades x factors; our membership is factors x grades)
w = c(0.3, 0.3, 0.3, 0.1)
R = matrix(c(0.8, 0.7, 0.6, 0.7,
             0.1, 0.2, 0.2, 0.1,
             0.1, 0.1, 0.2, 0.2), nrow = 3, byrow = TRUE)
w2 = c(0.25, 0.35, 0.15, 0.25)
R2 = matrix(c(0.1, 0.3, 0.5, 0.0,
              0.4, 0.4, 0.2, 0.3,
              0.3, 0.2, 0.2, 0.5,
              0.2, 0.1, 0.1, 0.2), nrow = 4, byrow = TRUE)
fz = list()
for (t in 1:4) {
  fz[[paste0("ex1_type", t)]] = fuzzy_eval(w, R, type = t)
  fz[[paste0("ex2_type", t)]] = fuzzy_eval(w2, R2, type = t)
}
knots = c(40, 60, 80, 95)
vals = c(10, 40, 45, 60, 72.5, 80, 90, 95, 99)
mf = t(sapply(vals, function(v) compute_mf(v, knots)))
put(c(meta, list(ex1 = list(w = w, R_grades_by_factors = R),
                 ex2 = list(w = w2, R_grades_by_factors = R2),
                 composed = fz,
                 membership = list(knots = knots, values = vals, mf = mf),
                 score = list(mu = c(0.318, 0.351, 0.203, 0.128), scores = c(30, 60, 75, 90),
                              weighted_average = defuzzify(c(0.318, 0.351, 0.203, 0.128),
                                                           c(30, 60, 75, 90))))),
    "cn_fuzzy_mathmodels.json")

# ---------------------------------------------------------------- rank-sum ratio
# Textbook example (田凤调《秩和比法及其应用》; 孙振球《医学统计学》): ten regions' prenatal
# examination rate (%, higher better), maternal mortality (1/10^4, lower better) and
# perinatal mortality (per mille, lower better). mathmodels expects positive indicators: the
# two mortality rates are negated (this orients both integer and non-integer ranks).
rsr_data = data.frame(
  ID = c("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"),
  X1 = c(99.54, 96.52, 99.36, 92.83, 91.71, 95.35, 96.09, 99.27, 94.76, 84.80),
  X2 = c(60.27, 59.67, 43.91, 58.99, 35.40, 44.71, 49.81, 31.69, 22.91, 81.49),
  X3 = c(16.15, 20.10, 15.60, 17.04, 15.01, 13.93, 17.43, 13.89, 19.87, 23.63))
oriented = transform(rsr_data, X2 = -X2, X3 = -X3)
out = list()
for (m in c("int", "non-int")) {
  res = rank_sum_ratio(oriented, method = m)
  tab = res$resultTable
  out[[m]] = list(id = tab$ID, rsr = tab$RSR, mean_rank = tab$barR, f = tab$f,
                  cum_f = tab$sumf, cum_pct = tab$barRn, probit = tab$Probit,
                  fitted = tab$RSRfit, intercept = unname(coef(res$reg)[1]),
                  slope = unname(coef(res$reg)[2]),
                  r_squared = summary(res$reg)$r.squared,
                  f_stat = unname(summary(res$reg)$fstatistic[1]))
}
resw = rank_sum_ratio(oriented, w = c(0.5, 0.3, 0.2), method = "int")
out[["int_weighted"]] = list(weights = c(0.5, 0.3, 0.2), id = resw$resultTable$ID,
                             rsr = resw$resultTable$RSR,
                             intercept = unname(coef(resw$reg)[1]),
                             slope = unname(coef(resw$reg)[2]))
put(c(meta, list(data = rsr_data, directions = c(1, -1, -1), results = out)),
    "cn_rsr_mathmodels.json")

# ---------------------------------------------------------------- coupling coordination
df = data.frame(s1 = c(0.0162, 0.1782, 0.5490, 0.6730, 0.0207, 0.9875),
                s2 = c(0.2720, 0.6824, 0.0593, 0.4812, 0.8891, 0.5573),
                s3 = c(0.2655, 0.3721, 0.5729, 0.9082, 0.2017, 0.8984))
cp = list()
for (tp in c("standard", "adjusted")) {
  for (wn in c("equal", "unequal")) {
    wv = if (wn == "equal") NULL else c(0.4, 0.3, 0.3)
    r3 = coupling_degree(df, wv, type = tp)
    r2 = coupling_degree(df[c("s1", "s2")], if (wn == "equal") NULL else c(0.6, 0.4), type = tp)
    cp[[paste(tp, wn, "n3", sep = "_")]] = list(C = r3$coupling, T = r3$coord, D = r3$coupling_coord)
    cp[[paste(tp, wn, "n2", sep = "_")]] = list(C = r2$coupling, T = r2$coord, D = r2$coupling_coord)
  }
}
put(c(meta, list(data = df, weights_n3 = c(0.4, 0.3, 0.3), weights_n2 = c(0.6, 0.4),
                 results = cp)), "cn_coupling_mathmodels.json")

# ---------------------------------------------------------------- CV (information) weights
put(c(meta, list(data = rsr_data[-1], cv_weight = unname(cv_weight(rsr_data[-1])))),
    "cn_information_mathmodels.json")
cat("written\n")
