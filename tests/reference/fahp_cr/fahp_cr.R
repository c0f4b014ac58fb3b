# Saaty's consistency ratio of the middle matrix of each TFN matrix in matrices.json, by R's
# eigen(); the reference for tests/test_fahp.py. Run from this folder: Rscript fahp_cr.R
suppressPackageStartupMessages(library(jsonlite))
ri <- c(0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)  # Saaty (1980), n = 1..10
mats <- fromJSON("matrices.json", simplifyVector = FALSE)
mats <- mats[names(mats) != "_about"]
out <- list()
for (name in names(mats)) {
  m <- sapply(mats[[name]], function(row) sapply(row, function(cell) cell[[2]]))
  m <- t(m)
  n <- nrow(m)
  lmax <- max(Re(eigen(m, only.values = TRUE)$values))
  out[[name]] <- list(n = n, lambda_max = lmax, cr = (lmax - n) / (n - 1) / ri[n])
}
out[["_about"]] <- paste("R", R.version$major, R.version$minor, "base eigen(); RI from Saaty (1980)")
write(toJSON(out, auto_unbox = TRUE, digits = 15, pretty = TRUE), "fahp_cr_r.json")
