# Reference values for the CFA tests in tests/test_factor.py from R lavaan, plus composite
# reliability, AVE, HTMT and the Fornell-Larcker table computed by hand from lavaan's standardized
# solution and the sample correlations (semTools is not installed here; the formulas are in the
# comments below).
#
# Run from the repository root, after psych_reference.R (which writes hs.csv and bfi.csv):
#   Rscript tests/reference/lavaan_reference.R
# Writes lavaan_hs.json and lavaan_bfi.json at full precision.

suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
out <- "tests/reference"
write_json_full <- function(x, file) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, matrix = "rowmajor", na = "null",
                    pretty = TRUE), file.path(out, file))
}

measures <- c("npar", "ntotal", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi",
              "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "logl",
              "unrestricted.logl")

cfa_ref <- function(x, model) {
  syntax <- paste(sprintf("%s =~ %s", names(model),
                          vapply(model, paste, "", collapse = " + ")), collapse = "\n")
  fit <- cfa(syntax, data = x, std.lv = FALSE)
  fm <- fitMeasures(fit, measures)
  ss <- standardizedSolution(fit)
  pe <- parameterEstimates(fit)
  ld <- ss[ss$op == "=~", ]
  lv <- ss[ss$op == "~~" & ss$lhs %in% names(model) & ss$rhs %in% names(model), ]
  # composite reliability (Joereskog rho / Raykov): (sum l)^2 / ((sum l)^2 + sum(1 - l^2)),
  # AVE (Fornell & Larcker 1981): mean(l^2), both on std.all loadings l.
  cr <- ave <- c()
  for (f in names(model)) {
    l <- ld$est.std[ld$lhs == f]
    cr[f] <- sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
    ave[f] <- mean(l^2)
  }
  phi <- diag(length(model))
  dimnames(phi) <- list(names(model), names(model))
  for (k in seq_len(nrow(lv))) {
    phi[lv$lhs[k], lv$rhs[k]] <- phi[lv$rhs[k], lv$lhs[k]] <- lv$est.std[k]
  }
  fl <- phi
  diag(fl) <- sqrt(ave)
  # HTMT (Henseler, Ringle & Sarstedt 2015): mean heterotrait-heteromethod correlation over the
  # geometric mean of the two mean monotrait-heteromethod correlations; on the correlations of the
  # cases lavaan used (listwise complete), both signed and absolute (semTools' default).
  xc <- na.omit(x[, unlist(model)])
  R <- cor(xc)
  htmt <- function(R, absolute) {
    if (absolute) R <- abs(R)
    k <- length(model)
    H <- diag(k)
    dimnames(H) <- list(names(model), names(model))
    mono <- sapply(model, function(it) { r <- R[it, it]; mean(r[lower.tri(r)]) })
    for (i in 1:k) for (j in 1:k) if (i != j) {
      H[i, j] <- mean(R[model[[i]], model[[j]]]) / sqrt(mono[i] * mono[j])
    }
    H
  }
  list(
    versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
    model = model, converged = lavInspect(fit, "converged"), fit = as.list(fm),
    std_loadings = list(factor = ld$lhs, item = ld$rhs, est_std = ld$est.std),
    loadings = list(factor = pe$lhs[pe$op == "=~"], item = pe$rhs[pe$op == "=~"],
                    est = pe$est[pe$op == "=~"]),
    residual_variances = list(item = pe$lhs[pe$op == "~~" & pe$lhs == pe$rhs &
                                              !(pe$lhs %in% names(model))],
                              est = pe$est[pe$op == "~~" & pe$lhs == pe$rhs &
                                             !(pe$lhs %in% names(model))]),
    factor_correlations = list(rows = names(model), values = unname(phi)),
    composite_reliability = as.list(cr), ave = as.list(ave),
    fornell_larcker = list(rows = names(model), values = unname(fl)),
    htmt_signed = list(rows = names(model), values = unname(htmt(R, FALSE))),
    htmt_absolute = list(rows = names(model), values = unname(htmt(R, TRUE))),
    n_complete = nrow(xc)
  )
}

hs <- read.csv(file.path(out, "hs.csv"))
hs_model <- list(visual = c("x1", "x2", "x3"), textual = c("x4", "x5", "x6"),
                 speed = c("x7", "x8", "x9"))
write_json_full(cfa_ref(hs, hs_model), "lavaan_hs.json")

# bfi: 25 items, the reverse-keyed ones flipped (7 - x); lavaan's default missing = "listwise"
b25 <- read.csv(file.path(out, "bfi.csv"))
rev_items <- c("A1", "C4", "C5", "E1", "E2", "O2", "O5")
b25[, rev_items] <- 7 - b25[, rev_items]
bfi_model <- list(agree = paste0("A", 1:5), consc = paste0("C", 1:5), extra = paste0("E", 1:5),
                  neuro = paste0("N", 1:5), open = paste0("O", 1:5))
write_json_full(c(cfa_ref(b25, bfi_model), list(reverse = rev_items)), "lavaan_bfi.json")
cat("lavaan references written\n")
