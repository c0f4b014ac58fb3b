# Reference values for tests/test_index.py, tests/test_treat.py and tests/test_normalise.py,
# produced with an installed COINr (this script only *calls* COINr; it contains none of its code).
#
# Usage (from this folder):  Rscript coinr_asem_variants.R
# Needs: R >= 4.0 and COINr 1.1.14 installed (e.g. R CMD INSTALL of a clone of bluefoxr/COINr).
#
# Writes:
#   geo_Normalised.csv, geo_Aggregated.csv  the ASEM build with min-max to [1, 100] and the weighted
#                                           geometric mean (a_gmean) at every level; the steps before
#                                           normalisation are COINr's default example build
#   treat_details.csv, treat_points.csv     Treat() details of the default build (skew/kurtosis before
#                                           and after, points winsorised) and the per-point flags
#   treat_winmax1*.csv                      Treat with winmax = 1 (log_CT path) and its details
#   norm_<method>.csv                       other normalisations of the default Treated data set
#   agg_hmean.csv                           harmonic mean at every level on min-max [1, 100]
#   sessioninfo.txt                         R and COINr versions
suppressPackageStartupMessages(library(COINr))

here <- function(f) file.path(".", f)
iData <- read.csv(here("asem_iData.csv"), stringsAsFactors = FALSE)
iMeta <- read.csv(here("asem_iMeta.csv"), stringsAsFactors = FALSE)

write_out <- function(df, f) {
  write.csv(df, here(f), row.names = FALSE, na = "NA")
}

# the default example build up to Treat, exactly as build_example_coin()
coin <- new_coin(iData, iMeta, level_names = c("Indicator", "Pillar", "Sub-index", "Index"),
                 quietly = TRUE)
coin <- Denominate(coin, dset = "Raw")
coin <- Impute(coin, dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
coin <- Screen(coin, dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA")
coin <- Treat(coin, dset = "Screened", global_specs = list(f1_para = list(winmax = 5)))

# treatment details
dets <- coin$Analysis$Treated$Dets_Table
write_out(dets, "treat_details.csv")
write_out(cbind(uCode = get_dset(coin, "Treated")$uCode, coin$Analysis$Treated$Treated_Points),
          "treat_points.csv")

# the same Treat with winmax = 1, so that some indicators go on to the log transform
tw1 <- Treat(coin, dset = "Screened", global_specs = list(f1_para = list(winmax = 1)),
             write_to = "Treated_w1")
write_out(get_dset(tw1, "Treated_w1"), "treat_winmax1.csv")
write_out(tw1$Analysis$Treated_w1$Dets_Table, "treat_winmax1_details.csv")

# geometric variant
geo <- Normalise(coin, dset = "Treated",
                 global_specs = list(f_n = "n_minmax", f_n_para = list(c(1, 100))))
geo <- Aggregate(geo, dset = "Normalised", f_ag = "a_gmean")
write_out(get_dset(geo, "Normalised"), "geo_Normalised.csv")
write_out(get_dset(geo, "Aggregated"), "geo_Aggregated.csv")

# harmonic variant on the same normalisation
harm <- Normalise(coin, dset = "Treated",
                  global_specs = list(f_n = "n_minmax", f_n_para = list(c(1, 100))))
harm <- Aggregate(harm, dset = "Normalised", f_ag = "a_hmean")
write_out(get_dset(harm, "Aggregated"), "agg_hmean.csv")

# other normalisations of the Treated data set (directions applied by COINr)
norms <- list(
  zscore = list(f_n = "n_zscore", f_n_para = list(m_sd = c(10, 2))),
  rank = list(f_n = "n_rank"),
  prank = list(f_n = "n_prank"),
  dist2max = list(f_n = "n_dist2max"),
  fracmax = list(f_n = "n_fracmax")
)
for (nm in names(norms)) {
  cn <- Normalise(coin, dset = "Treated", global_specs = norms[[nm]])
  write_out(get_dset(cn, "Normalised"), paste0("norm_", nm, ".csv"))
}

writeLines(c(R.version.string,
             paste("COINr", as.character(utils::packageVersion("COINr"))),
             paste("COINr commit", Sys.getenv("COINR_COMMIT", "unknown"))),
           here("sessioninfo.txt"))
