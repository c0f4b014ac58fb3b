# Reference values for tests/test_sensitivity.py (leave-one-out): COINr's remove_elements() on its
# ASEM example, removing each indicator (Level 1) and each pillar (Level 2) in turn by setting its
# weight to zero and regenerating the coin. Only *calls* an installed COINr (none of its code here).
#
# Usage (from this folder):  Rscript coinr_sa_asem_remove.R
# Needs: R >= 4.0 and COINr 1.1.14 installed (R_LIBS=/path/to/lib if outside the site library).
#
# Writes coinr_sa_asem_remove.csv: one row per (level, removed element, unit): level, removed,
# uCode, rank (of the Index with the element removed; 1 = best, ties "min"), rank_nominal,
# mean_abs_diff (the element's mean absolute rank change over units, COINr's MeanAbsDiff)
suppressPackageStartupMessages(library(COINr))

coin <- build_example_coin(quietly = TRUE)
out <- list()
for (lev in c(1, 2)) {
  res <- remove_elements(coin, Level = lev, dset = "Aggregated", iCode = "Index", quietly = TRUE)
  ranks <- res$Ranks
  for (el in names(res$MeanAbsDiff)) {
    if (el == "Nominal") next
    out[[length(out) + 1]] <- data.frame(
      level = lev, removed = el, uCode = ranks$uCode, rank = ranks[[el]],
      rank_nominal = ranks$Nominal, mean_abs_diff = unname(res$MeanAbsDiff[el]))
  }
}
write.csv(do.call(rbind, out), "coinr_sa_asem_remove.csv", row.names = FALSE, na = "NA")
