# COINr get_PCA weights on COINr's ASEM example (reference for tests/test_pca_coinr.py).
# Run from this folder: R_LIBS=/path/to/lib/with/COINr Rscript coinr_pca_asem.R
# Calls COINr only; contains none of its code.
suppressPackageStartupMessages(library(COINr))
coin <- build_example_coin(quietly = TRUE)
rows <- list()
add <- function(tag, res) {
  w <- res$Weights
  for (g in names(res$PCAresults)) {
    pr <- res$PCAresults[[g]]
    ev <- pr$PCAres$sdev^2
    rows[[length(rows) + 1]] <<- data.frame(
      case = tag, group = g, iCode = pr$iCodes, weight = pr$wts,
      pc1_eigenvalue = ev[1], pc1_share = ev[1] / sum(ev), n_units = nrow(pr$PCAres$x))
  }
}
add("L1_by_groups", get_PCA(coin, dset = "Normalised", Level = 1, by_groups = TRUE, nowarnings = TRUE))
add("L2_by_groups", get_PCA(coin, dset = "Aggregated", Level = 2, by_groups = TRUE, nowarnings = TRUE))
add("L1_all", get_PCA(coin, dset = "Normalised", Level = 1, by_groups = FALSE, nowarnings = TRUE))
out <- do.call(rbind, rows)
write.csv(out, "coinr_pca_asem.csv", row.names = FALSE)
# the data the PCA saw (indicators and pillar scores), so the test needs no COINr
write.csv(get_dset(coin, "Normalised"), "asem_normalised.csv", row.names = FALSE)
write.csv(get_data(coin, dset = "Aggregated", Level = 2), "asem_pillars.csv", row.names = FALSE)
write.csv(coin$Meta$Lineage, "asem_lineage.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("COINr", packageVersion("COINr"))), "sessioninfo.txt")
