# Reference values for methods.audit (skewness, kurtosis, Spearman correlations) on the bundled
# example data, year 2025. Run from the repository root:
#   Rscript tests/reference/e1071_audit_example.R
# Needs R with e1071 and jsonlite (Debian: r-cran-e1071, r-cran-jsonlite).
library(e1071)
library(jsonlite)
d <- read.csv("data/example/indicators.csv", check.names = FALSE, encoding = "UTF-8")
d <- d[d$year == 2025, ]
codes <- setdiff(names(d), c("unit_id", "unit_name", "year", "province", "tier"))
x <- d[, codes]
skew <- sapply(x, function(v) skewness(v, na.rm = TRUE, type = 2))
kurt <- sapply(x, function(v) kurtosis(v, na.rm = TRUE, type = 2))
rho <- cor(x, method = "spearman", use = "pairwise.complete.obs")
out <- list(
  source = paste("R", getRversion(), "e1071", packageVersion("e1071")),
  data = "data/example/indicators.csv, year 2025",
  skewness = as.list(skew), kurtosis = as.list(kurt),
  spearman = lapply(seq_along(codes), function(i) as.numeric(rho[i, ])),
  codes = codes
)
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/e1071_audit_example.json")
