# Reference values for tests/test_polychoric.py (and the cor=/missing= options in test_factor.py,
# the KR-20 and 4-factor omega tests in test_reliability.py) from R psych.
#
# Data: bfi.csv (written by psych_reference.R) and the ICAR ability data (psychTools::ability:
# 16 binary items of the International Cognitive Ability Resource, 1525 persons; Revelle, Wilt &
# Condon 2010; Condon & Revelle 2014, Intelligence 43, 52-64), written to ability.csv and read
# back. Run from the repository root:   Rscript tests/reference/psych_polychoric.R
# Needs psych (2.2.9 used), GPArotation, psychTools and jsonlite. Writes psych_polychoric.json at
# full precision (jsonlite digits = NA).

suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(psychTools)
  library(jsonlite)
})
out <- "tests/reference"
write_json_full <- function(x, file) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, matrix = "rowmajor", na = "null",
                    pretty = TRUE), file.path(out, file))
}
mat <- function(m) {
  m <- unclass(as.matrix(m))
  list(rows = rownames(m), cols = colnames(m), values = unname(m))
}
data(ability, package = "psychTools")
write.csv(ability, file.path(out, "ability.csv"), row.names = FALSE, na = "")
ab <- read.csv(file.path(out, "ability.csv"))
b25 <- read.csv(file.path(out, "bfi.csv"))
b10 <- b25[, c(paste0("A", 1:5), paste0("C", 1:5))]

poly_ref <- function(p) list(rho = mat(p$rho), tau = mat(p$tau), n_obs = p$n.obs)
tet_ref <- function(p) list(rho = mat(p$rho), tau = as.list(p$tau), n_obs = p$n.obs)
fa_ref <- function(f) list(
  loadings = mat(f$loadings), communality = unname(f$communality), phi = mat(f$Phi),
  dof = f$dof, objective = f$objective, chi2 = f$STATISTIC, n_obs = f$n.obs)

# a small sample of ability with empty cells in some 2 x 2 tables (psych's correct = 0.5)
ab_small <- ab[1:60, ]
# a correlation matrix that is not positive definite, for cor.smooth
npd <- matrix(c(1, .9, .9, .1,  .9, 1, .2, .3,  .9, .2, 1, .4,  .1, .3, .4, 1), 4)
dimnames(npd) <- list(paste0("v", 1:4), paste0("v", 1:4))

omega_ref <- function(x, nf) {
  o <- suppressWarnings(suppressMessages(omega(x, nfactors = nf, plot = FALSE)))
  list(omega_h = o$omega_h, omega_lim = o$omega.lim, omega_tot = o$omega.tot, alpha = o$alpha,
       G6 = o$G6, sl = mat(o$schmid$sl), gloading = unname(as.vector(o$schmid$gloading)),
       ECV = unname(o$ECV))
}
bart <- function(x, n) { b <- cortest.bartlett(x, n = n); list(chi2 = b$chisq, dof = b$df, p_value = b$p.value, n = n) }
kmo <- function(x) { k <- KMO(x); list(overall = k$MSA, per_item = as.list(k$MSAi)) }
ab_cc <- na.omit(ab)

write_json_full(list(
  versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                  GPArotation = as.character(packageVersion("GPArotation")),
                  mnormt = as.character(packageVersion("mnormt"))),
  polychoric_bfi10 = poly_ref(polychoric(b10)),
  tetrachoric_ability = tet_ref(tetrachoric(ab)),
  tetrachoric_ability_small = tet_ref(suppressMessages(tetrachoric(ab_small))),
  tetrachoric_ability_small_nocorrect = tet_ref(suppressMessages(tetrachoric(ab_small, correct = 0))),
  cor_smooth = list(input = mat(npd), smoothed = mat(suppressWarnings(cor.smooth(npd)))),
  fa_poly_bfi10 = fa_ref(fa(b10, nfactors = 2, cor = "poly", fm = "minres", rotate = "oblimin")),
  fa_tet_ability = fa_ref(fa(ab, nfactors = 4, cor = "tet", fm = "minres", rotate = "oblimin")),
  # missing data: psych::KMO and cortest.bartlett on raw data use pairwise correlations (bartlett
  # with n = all rows); "complete" is the same on na.omit(x)
  kmo_pairwise = kmo(ab), kmo_complete = kmo(ab_cc),
  bartlett_pairwise = bart(cor(ab, use = "pairwise"), nrow(ab)),
  bartlett_complete = bart(cor(ab_cc), nrow(ab_cc)),
  # KR-20: alpha on 0/1 items (pairwise covariances, psych's default)
  alpha_ability = list(raw_alpha = alpha(ab, warnings = FALSE)$total$raw_alpha,
                       raw_alpha_complete = alpha(ab_cc, warnings = FALSE)$total$raw_alpha,
                       n_complete = nrow(ab_cc)),
  omega_ability_4 = omega_ref(ab, 4)
), "psych_polychoric.json")
cat("psych polychoric references written\n")
