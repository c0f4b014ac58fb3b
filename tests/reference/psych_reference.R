# Reference values for tests/test_reliability.py and tests/test_factor.py from R psych.
#
# Run from the repository root:   Rscript tests/reference/psych_reference.R
# Needs R >= 4.2 with psych (2.2.9 used), GPArotation (2022.10-2), psychTools, lavaan (for the data)
# and jsonlite. Writes the input data as CSV (then reads it back, so R and Python see the same numbers)
# and one JSON file per data set: psych_hs.json, psych_bfi.json, psych_sf.json, psych_anxiety.json.
# Numbers are written at full precision (jsonlite digits = NA).

suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(psychTools)
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

write_json_full <- function(x, file) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, matrix = "rowmajor", na = "null",
                    pretty = TRUE), file.path(out, file))
}
mat <- function(m) {
  m <- unclass(as.matrix(m))
  list(rows = rownames(m), cols = colnames(m), values = unname(m))
}
vec <- function(v) as.list(v)   # named vector -> JSON object

# ---- input data ---------------------------------------------------------------------------------
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, file.path(out, "hs.csv"), row.names = FALSE)
data(bfi, package = "psychTools")
b25 <- bfi[, 1:25]
write.csv(b25, file.path(out, "bfi.csv"), row.names = FALSE, na = "")
sf <- matrix(c(9, 6, 8, 7, 10, 6, 2, 1, 4, 1, 5, 2, 5, 3, 6, 2, 6, 4, 8, 2, 8, 6, 9, 7), ncol = 4)
colnames(sf) <- paste0("J", 1:4)
write.csv(sf, file.path(out, "sf.csv"), row.names = FALSE)
# the irr anxiety ratings, as shipped in the project's shared datasets (datasets/raters/, beside the repository)
anx <- read.csv(file.path("..", "shared", "datasets", "raters", "anxiety_3raters.csv"))
write.csv(anx, file.path(out, "anxiety_3raters.csv"), row.names = FALSE)

# read back: the references are computed from exactly what the tests read
hs <- read.csv(file.path(out, "hs.csv"))
b25 <- read.csv(file.path(out, "bfi.csv"))
sf <- as.matrix(read.csv(file.path(out, "sf.csv")))
anx <- read.csv(file.path(out, "anxiety_3raters.csv"))

# ---- alpha ---------------------------------------------------------------------------------------
alpha_ref <- function(x, keys = NULL) {
  a <- if (is.null(keys)) alpha(x, warnings = FALSE) else alpha(x, keys = keys, warnings = FALSE)
  list(
    items = colnames(x), reverse = if (is.null(keys)) list() else keys,
    raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, G6 = a$total[["G6(smc)"]],
    average_r = a$total$average_r, ase = a$total$ase, median_r = a$total$median_r,
    feldt_lower = a$feldt$lower.ci[[1]], feldt_upper = a$feldt$upper.ci[[1]], n_obs = nrow(x),
    total_mean = a$total$mean, total_sd = a$total$sd,
    alpha_drop = list(raw_alpha = unname(a$alpha.drop$raw_alpha),
                      std_alpha = unname(a$alpha.drop$std.alpha),
                      average_r = unname(a$alpha.drop$average_r)),
    item_stats = list(n = unname(a$item.stats$n), raw_r = unname(a$item.stats$raw.r),
                      std_r = unname(a$item.stats$std.r), r_cor = unname(a$item.stats$r.cor),
                      r_drop = unname(a$item.stats$r.drop), mean = unname(a$item.stats$mean),
                      sd = unname(a$item.stats$sd))
  )
}
bfi_scales <- list(
  A = list(items = paste0("A", 1:5), keys = c("A1")),
  C = list(items = paste0("C", 1:5), keys = c("C4", "C5")),
  E = list(items = paste0("E", 1:5), keys = c("E1", "E2")),
  N = list(items = paste0("N", 1:5), keys = NULL),
  O = list(items = paste0("O", 1:5), keys = c("O2", "O5"))
)
bfi_alpha <- lapply(bfi_scales, function(s) alpha_ref(b25[, s$items], s$keys))
hs_alpha <- alpha_ref(hs)

# ---- KMO and Bartlett ------------------------------------------------------------------------------
kmo_ref <- function(x) { k <- KMO(x); list(overall = k$MSA, per_item = vec(k$MSAi)) }
bart_ref <- function(x) {
  cc <- na.omit(x)
  b <- cortest.bartlett(cor(cc), n = nrow(cc))
  list(chi2 = b$chisq, dof = b$df, p_value = b$p.value, n = nrow(cc))
}

# ---- fa -------------------------------------------------------------------------------------------
fa_ref <- function(x, nf) {
  res <- list()
  for (fm in c("minres", "ml", "pa")) for (rot in c("none", "varimax", "oblimin", "promax")) {
    f <- fa(x, nfactors = nf, fm = fm, rotate = rot, warnings = FALSE)
    res[[paste(fm, rot, sep = "_")]] <- list(
      loadings = mat(f$loadings), communality = unname(f$communality),
      uniquenesses = unname(f$uniquenesses), phi = if (is.null(f$Phi)) NULL else mat(f$Phi),
      values = unname(f$values), e_values = unname(f$e.values), dof = f$dof,
      objective = f$objective, chi2 = if (is.null(f$STATISTIC)) NULL else f$STATISTIC,
      n_obs = f$n.obs)
  }
  res
}

# ---- omega ----------------------------------------------------------------------------------------
omega_ref <- function(x, nf) {
  o <- suppressWarnings(suppressMessages(omega(x, nfactors = nf, plot = FALSE)))
  sl <- o$schmid$sl
  list(omega_h = o$omega_h, omega_lim = o$omega.lim, omega_tot = o$omega.tot, alpha = o$alpha,
       G6 = o$G6, sl = mat(sl), oblique = mat(o$schmid$oblique),
       phi = if (is.null(dim(o$schmid$phi))) NULL else mat(o$schmid$phi),
       gloading = unname(as.vector(o$schmid$gloading)), ECV = unname(o$ECV))
}

# ---- fa.parallel (observed eigenvalues are deterministic; simulated ones only loosely) -------------
par_ref <- function(x) {
  set.seed(20261126)
  p1 <- fa.parallel(x, fm = "minres", fa = "both", n.iter = 100, SMC = TRUE, plot = FALSE)
  set.seed(20261126)
  p0 <- fa.parallel(x, fm = "minres", fa = "both", n.iter = 100, SMC = FALSE, plot = FALSE)
  list(pc_values = p1$pc.values, fa_values_smc = p1$fa.values, fa_values_minres = p0$fa.values,
       sim_pc_mean = p1$pc.sim, sim_fa_smc_mean = p1$fa.sim, ncomp = p1$ncomp, nfact_smc = p1$nfact,
       nfact_minres = p0$nfact)
}

# ---- ICC (ANOVA estimates, Shrout & Fleiss 1979; psych's lmer=FALSE path) -------------------------
icc_ref <- function(x) {
  r <- ICC(x, lmer = FALSE)$results
  list(type = r$type, icc = r$ICC, F = r$F, df1 = r$df1, df2 = r$df2, p = r$p,
       ci_low = r[["lower bound"]], ci_high = r[["upper bound"]])
}

# bfi with the reverse-keyed items flipped (7 - x), used for omega and the 25-item analyses
rev_items <- c("A1", "C4", "C5", "E1", "E2", "O2", "O5")
b25r <- b25
b25r[, rev_items] <- 7 - b25r[, rev_items]

write_json_full(list(
  versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                  GPArotation = as.character(packageVersion("GPArotation"))),
  alpha = hs_alpha, kmo = kmo_ref(hs), bartlett = bart_ref(hs), fa = fa_ref(hs, 3),
  omega = omega_ref(hs, 3), parallel = par_ref(hs)
), "psych_hs.json")

write_json_full(list(
  versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                  GPArotation = as.character(packageVersion("GPArotation"))),
  reverse = rev_items,
  alpha = bfi_alpha, kmo = kmo_ref(b25), bartlett = bart_ref(b25), fa = fa_ref(b25, 5),
  # a 5-item scale cannot carry 3 group factors (dof < 0; psych runs it anyway and reports an
  # ultra-Heywood case); the tests use 1 and 2 factors and expect an error for 3.
  omega_C1 = omega_ref(b25r[, paste0("C", 1:5)], 1),
  omega_C2 = omega_ref(b25r[, paste0("C", 1:5)], 2),
  omega_25 = omega_ref(b25r, 5), parallel = par_ref(b25)
), "psych_bfi.json")

write_json_full(list(icc = icc_ref(sf)), "psych_sf.json")
write_json_full(list(icc = icc_ref(anx)), "psych_anxiety.json")
cat("psych references written\n")
