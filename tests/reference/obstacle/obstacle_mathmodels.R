# Reference values for methods.index.obstacle.obstacle_degree from an independent implementation:
# the R package mathmodels (Jingxin Zhang / 张敬信, "Mathematical Modeling Algorithms", version
# 0.0.11, https://github.com/zhjx19/mathmodels, commit 8bf5e8f), function obstacle_degree(),
# which computes O_ij = (1 - X_ij) * w_j and, with scaled = TRUE, divides each row by its sum.
# The dimension obstacle degrees (sum over a dimension's indicators) are what the package's
# documentation says to do next "with tidyverse"; they are summed here with rowSums.
#
# mathmodels is not on CRAN; its R sources are read from a folder outside this repository:
#   git clone https://github.com/zhjx19/mathmodels /tmp/gmob-ref   (only R/ is needed)
#   MATHMODELS_R=/tmp/gmob-ref/R Rscript tests/reference/obstacle/obstacle_mathmodels.R
# Needs tibble and jsonlite. Writes tests/reference/obstacle/obstacle_mathmodels.json.
suppressPackageStartupMessages({library(jsonlite); library(tibble)})
src = Sys.getenv("MATHMODELS_R", "/tmp/gmob-ref/R")
source(file.path(src, "eval_system.R"))
here = "tests/reference/obstacle"
run = function(df, w, groups) {
  O = as.matrix(obstacle_degree(df, w, id_cols = "ID", scaled = TRUE)[, -1])
  U = sapply(unique(groups), function(g) rowSums(O[, groups == g, drop = FALSE]))
  list(data = df, weights = w, groups = groups, indicator = unname(O),
       dimension = unname(U), dimension_names = unique(groups))
}
# 1. The package's own documentation example (6 units x 3 scores on [0, 1], weights 0.4/0.3/0.3)
doc = data.frame(
  ID = LETTERS[1:6],
  s1 = c(0.0162, 0.1782, 0.5490, 0.6730, 0.0207, 0.9875),
  s2 = c(0.2720, 0.6824, 0.0593, 0.4812, 0.8891, 0.5573),
  s3 = c(0.2655, 0.3721, 0.5729, 0.9082, 0.2017, 0.8984))
# 2. 12 units x 7 indicators in 3 dimensions, unequal weights (not summing to 1), some scores at
#    the best (1) and the worst (0) of the scale, one unit at the best everywhere
set.seed(20261130)
m = matrix(round(runif(12 * 7), 4), 12, 7)
m[1, ] = c(1, 1, 0.5, 1, 0, 1, 1)
m[2, 3] = 0
m[5, ] = 0
m[12, ] = 1                                  # no shortfall: 0/0, NaN in R
big = data.frame(ID = sprintf("u%02d", 1:12), m)
names(big)[-1] = c("x1", "x2", "x3", "x4", "x5", "x6", "x7")
wb = c(0.20, 0.10, 0.15, 0.05, 0.25, 0.15, 0.30)
out = list(
  meta = list(peer = "mathmodels (R)", version = "0.0.11", commit = "8bf5e8f",
              call = "obstacle_degree(data, w, id_cols = 'ID', scaled = TRUE)",
              script = "tests/reference/obstacle/obstacle_mathmodels.R",
              r_version = R.version.string),
  doc_example = run(doc, c(0.4, 0.3, 0.3), c("D1", "D1", "D2")),
  random = run(big, wb, c("A", "A", "A", "B", "B", "C", "C")))
write_json(out, file.path(here, "obstacle_mathmodels.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE, dataframe = "columns")
