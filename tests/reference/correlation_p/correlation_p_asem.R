# Correlations with p-values on COINr's ASEM raw data (63 missing values), the reference for
# tests/test_correlation_p.py. Run from this folder:
#   R_LIBS=/path/to/lib/with/COINr Rscript correlation_p_asem.R
# Calls stats::cor.test and COINr::get_corr only.
suppressPackageStartupMessages(library(COINr))
x <- read.csv("../asem/dset_Raw.csv", row.names = 1)
x <- x[, 1:16]  # the first 16 indicators: 120 pairs, some with missing values
rows <- list()
for (method in c("pearson", "spearman", "kendall")) {
  for (i in 1:(ncol(x) - 1)) for (j in (i + 1):ncol(x)) {
    ok <- complete.cases(x[, i], x[, j])
    ct <- suppressWarnings(cor.test(x[, i], x[, j], method = method, exact = FALSE))
    rows[[length(rows) + 1]] <- data.frame(method = method, var1 = names(x)[i], var2 = names(x)[j],
                                           r = unname(ct$estimate), p = ct$p.value, n = sum(ok))
  }
}
write.csv(do.call(rbind, rows), "cor_test_asem.csv", row.names = FALSE)
# COINr's blanking: get_corr(pval = 0.05) sets r to NA where p > 0.05 (its p from cor.test)
coin <- build_example_coin(up_to = "new_coin", quietly = TRUE)
codes <- names(x)
g <- get_corr(coin, dset = "Raw", iCodes = list(codes), Levels = 1, pval = 0.05, make_long = TRUE,
              cortype = "pearson")
write.csv(g, "coinr_get_corr_pearson.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("COINr", packageVersion("COINr"))), "sessioninfo.txt")
