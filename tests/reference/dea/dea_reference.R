# Reference values for methods.efficiency (DEA, super-efficiency, slacks, SBM, Malmquist).
# Peers: R Benchmarking 0.33 (with lpSolveAPI 5.5.2.0-17.15) and deaR 1.5.3's model_sbmeff
# (its R files sourced, the package itself needs plotly/writexl, not installed here).
# Run from this directory:
#   R_LIBS=<lib with Benchmarking> Rscript dea_reference.R <path to deaR's R/ directory>
# Writes panel.csv (the seeded random panel) and benchmarking.json.
suppressMessages({library(Benchmarking); library(jsonlite); library(lpSolve)})
args <- commandArgs(trailingOnly = TRUE)
dear <- args[1]
for (f in c("make_deadata.R", "model_sbmeff.R", "efficiencies.R", "efficiencies.dea.R",
            "slacks.R", "is.deadata.R", "is.dea.R"))
  source(file.path(dear, f))

# (a) Cooper, Seiford & Tone (2007), the 12 hospitals: doctors, nurses -> outpatients, inpatients
hosp <- data.frame(
  unit = LETTERS[1:12],
  doctors = c(20, 19, 25, 27, 22, 55, 33, 31, 30, 50, 53, 38),
  nurses = c(151, 131, 160, 168, 158, 255, 235, 206, 244, 268, 306, 284),
  outpatients = c(100, 150, 160, 180, 94, 230, 220, 152, 190, 250, 260, 250),
  inpatients = c(90, 50, 55, 72, 66, 90, 88, 80, 100, 100, 147, 120))

# (b) a random panel: 40 units, 3 inputs, 2 outputs, 3 periods
set.seed(20261130)
n <- 40; periods <- 2021:2023
base <- matrix(runif(n * 3, 1, 10), n, 3)
panel <- do.call(rbind, lapply(seq_along(periods), function(t) {
  x <- base * matrix(exp(rnorm(n * 3, 0, 0.15)), n, 3)
  eff <- exp(-abs(rnorm(n, 0, 0.3)))
  y1 <- (x[, 1]^0.4 * x[, 2]^0.3 * x[, 3]^0.2) * eff * 1.04^(t - 1) * exp(rnorm(n, 0, 0.1))
  y2 <- (x[, 2]^0.5 * x[, 3]^0.4) * eff * 1.02^(t - 1) * exp(rnorm(n, 0, 0.2))
  data.frame(unit = sprintf("u%02d", 1:n), period = periods[t], x1 = x[, 1], x2 = x[, 2],
             x3 = x[, 3], y1 = y1, y2 = y2)
}))
write.csv(panel, "panel.csv", row.names = FALSE)

# numbers stay numbers; +-Inf become the strings "Inf"/"-Inf", NaN/NA become null
fin <- function(v) lapply(unname(as.vector(v)), function(z) if (is.finite(z)) z else if (is.na(z)) NA
                          else if (z > 0) "Inf" else "-Inf")
dea_block <- function(X, Y) {
  out <- list()
  for (rts in c("crs", "vrs")) for (ori in c("in", "out")) {
    e <- dea(X, Y, RTS = rts, ORIENTATION = ori, SLACK = TRUE)
    s <- sdea(X, Y, RTS = rts, ORIENTATION = ori)
    out[[paste(rts, ori, sep = "_")]] <- list(
      eff = e$eff, sx = unname(e$sx), sy = unname(e$sy), slack_sum = unname(e$sum),
      super = fin(s$eff))
  }
  d <- make_deadata(data.frame(dmu = seq_len(nrow(X)), X, Y), ni = ncol(X), no = ncol(Y))
  sbm <- model_sbmeff(d, orientation = "no", rts = "crs")
  sl <- slacks(sbm)
  out$sbm_crs <- list(eff = unname(efficiencies(sbm)), sx = unname(sl$slack_input),
                      sy = unname(sl$slack_output))
  out
}
res <- list(
  versions = list(Benchmarking = as.character(packageVersion("Benchmarking")),
                  lpSolveAPI = as.character(packageVersion("lpSolveAPI")),
                  deaR = "1.5.3 (model_sbmeff.R sourced)", R = R.version.string),
  hospital = dea_block(as.matrix(hosp[, 2:3]), as.matrix(hosp[, 4:5])))
p1 <- panel[panel$period == 2021, ]
res$panel_2021 <- dea_block(as.matrix(p1[, 3:5]), as.matrix(p1[, 6:7]))

malm <- list()
for (ori in c("in", "out")) for (t in 1:2) {
  a <- panel[panel$period == periods[t], ]; b <- panel[panel$period == periods[t + 1], ]
  args0 <- list(as.matrix(a[, 3:5]), as.matrix(a[, 6:7]), a$unit,
                as.matrix(b[, 3:5]), as.matrix(b[, 6:7]), b$unit)
  mc <- do.call(malmq, c(args0, list(RTS = "crs", ORIENTATION = ori)))
  mv <- do.call(malmq, c(args0, list(RTS = "vrs", ORIENTATION = ori)))
  malm[[paste(ori, periods[t], periods[t + 1], sep = "_")]] <- list(
    id = mc$id, m = mc$m, tc = mc$tc, ec = mc$ec,
    e00 = mc$e00, e01 = mc$e01, e10 = mc$e10, e11 = mc$e11,
    vrs_e00 = mv$e00, vrs_e11 = mv$e11, vrs_m = fin(mv$m), vrs_tc = fin(mv$tc),
    vrs_ec = mv$ec, vrs_e01 = fin(mv$e01), vrs_e10 = fin(mv$e10))
}
res$malmquist <- malm

# SBM with a zero output (Tone 2001's data with unit A's second output set to 0)
tone <- data.frame(dmu = LETTERS[1:5], x1 = c(4, 6, 8, 8, 2), x2 = c(3, 3, 1, 1, 4),
                   y1 = c(2, 2, 6, 6, 1), y2 = c(0, 3, 2, 1, 4))
sz <- model_sbmeff(make_deadata(tone, ni = 2, no = 2), orientation = "no", rts = "crs")
res$sbm_zero_output <- list(eff = unname(efficiencies(sz)))
write_json(res, "benchmarking.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
