# Reference values computed by hand with base R (no package implements them here): Kendall's W
# with the ties correction (irr::kendall is not in Debian; this is its formula, written out), and
# Spearman-Brown / Guttman split-half coefficients for the first/second and odd/even splits.
#
# Run from the repository root, after psych_reference.R (which writes the CSV files):
#   Rscript tests/reference/base_reference.R
# Writes base_anxiety.json, base_sf.json and base_hs.json at full precision.

suppressPackageStartupMessages(library(jsonlite))
out <- "tests/reference"
write_json_full <- function(x, file) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
             file.path(out, file))
}

# Kendall's W, objects in rows (n), raters in columns (m):
#   W = 12 S / (m^2 (n^3 - n) - m T),  S = sum_i (R_i - mean(R))^2,  T = sum_j sum_g (t_g^3 - t_g)
#   chi2 = m (n - 1) W on n - 1 degrees of freedom.
kendall_w <- function(x) {
  x <- as.matrix(x)
  n <- nrow(x)
  m <- ncol(x)
  rk <- apply(x, 2, rank)              # mid-ranks for ties
  Ri <- rowSums(rk)
  S <- sum((Ri - mean(Ri))^2)
  Tties <- 0
  for (j in 1:m) {
    t <- table(x[, j])
    Tties <- Tties + sum(t^3 - t)
  }
  W <- 12 * S / (m^2 * (n^3 - n) - m * Tties)
  W_uncorrected <- 12 * S / (m^2 * (n^3 - n))
  chi2 <- m * (n - 1) * W
  list(w = W, w_uncorrected = W_uncorrected, chi2 = chi2, dof = n - 1,
       p_value = pchisq(chi2, n - 1, lower.tail = FALSE), ties_T = Tties, S = S)
}

# Split-half reliability of a sum score, complete cases:
#   r = cor(half1, half2); Spearman-Brown = 2 r / (1 + r);
#   Guttman (Flanagan-Rulon) = 2 (1 - (var(h1) + var(h2)) / var(h1 + h2))
split_half <- function(x) {
  x <- na.omit(as.matrix(x))
  k <- ncol(x)
  splits <- list(first_second = list(1:(k %/% 2), (k %/% 2 + 1):k),
                 odd_even = list(seq(1, k, 2), seq(2, k, 2)))
  lapply(splits, function(s) {
    h1 <- rowSums(x[, s[[1]], drop = FALSE])
    h2 <- rowSums(x[, s[[2]], drop = FALSE])
    r <- cor(h1, h2)
    list(r = r, spearman_brown = 2 * r / (1 + r),
         guttman = 2 * (1 - (var(h1) + var(h2)) / var(h1 + h2)),
         half1 = colnames(x)[s[[1]]], half2 = colnames(x)[s[[2]]])
  })
}

anx <- read.csv(file.path(out, "anxiety_3raters.csv"))
sf <- read.csv(file.path(out, "sf.csv"))
hs <- read.csv(file.path(out, "hs.csv"))
write_json_full(list(kendall = kendall_w(anx)), "base_anxiety.json")
write_json_full(list(kendall = kendall_w(sf)), "base_sf.json")
write_json_full(list(split_half = split_half(hs)), "base_hs.json")
cat("base references written\n")
