# Reference values for tests/test_sensitivity.py: COINr's uncertainty and sensitivity analysis of
# its ASEM example with the four assumptions of its "Sensitivity Analysis" vignette, at a large N.
# This script only *calls* an installed COINr (it contains none of its code).
#
# Usage (from this folder):  Rscript coinr_sa_asem.R [N] [Nboot]     (defaults 1000 and 500)
# Needs: R >= 4.0 and COINr 1.1.14 installed (e.g. R CMD INSTALL of a clone of bluefoxr/COINr;
#        R_LIBS=/path/to/lib if installed outside the site library). Takes ~0.35 s per sample:
#        N (d + 2) = 6000 samples for N = 1000, about 35 minutes.
#
# The four assumptions (vignette "Sensitivity Analysis", COINr 1.1.14):
#   Winmax         Treat()'s winmax: 1, 2, 3, 4 or 5 points (discrete, uniform)
#   Normalisation  min-max to [1, 100] or z-score with mean 10 and sd 2 (discrete)
#   Weights        the level-2 and level-3 weights times (1 + u), u ~ U(-0.25, 0.25) independently
#                  per weight: get_noisy_weights(noise_specs = data.frame(Level = c(2, 3),
#                  NoiseFactor = c(0.25, 0.25)), Nrep = 1000): 1000 alternatives, discrete
#   Aggregation    arithmetic (a_amean) or geometric (a_gmean) mean at every level
# Output: the Index of the "Aggregated" data set; SA_type = "SA" (Saltelli design with N base
# samples; rank statistics from the 2N rows of the A and B matrices, as get_sensitivity does).
#
# Writes:
#   coinr_sa_asem_rankstats.csv  per unit: uCode, Nominal, Mean, Median, Q5, Q95 (ranks, 1 = best)
#   coinr_sa_asem_sobol.csv      per assumption: Si, STi (target: mean absolute rank shift) and
#                                their bootstrap 5% / 95% quantiles (Nboot resamples)
#   coinr_sa_asem.json           N, Nboot, seed, number of regenerations, elapsed seconds, seconds
#                                per regeneration, the variance of the target, R/COINr versions
suppressPackageStartupMessages(library(COINr))

args <- commandArgs(trailingOnly = TRUE)
N <- if (length(args) >= 1) as.integer(args[1]) else 1000L
Nboot <- if (length(args) >= 2) as.integer(args[2]) else 500L
seed <- 20261126L
set.seed(seed)

coin <- build_example_coin(quietly = TRUE)

l_winmax <- list(Address = "$Log$Treat$global_specs$f1_para$winmax",
                 Distribution = 1:5, Type = "discrete")
norm_alts <- list(
  list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
  list(f_n = "n_zscore", f_n_para = list(c(10, 2)))
)
l_norm <- list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts,
               Type = "discrete")
w_nom <- coin$Meta$Weights$Original
noise_specs <- data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25))
noisy_wts <- get_noisy_weights(w = w_nom, noise_specs = noise_specs, Nrep = 1000)
l_weights <- list(Address = "$Log$Aggregate$w", Distribution = noisy_wts, Type = "discrete")
l_agg <- list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"),
              Type = "discrete")
SA_specs <- list(Winmax = l_winmax, Normalisation = l_norm, Weights = l_weights,
                 Aggregation = l_agg)

t0 <- proc.time()[["elapsed"]]
# check_addresses = FALSE: the weights address is NULL in the example coin (the vignette answers
# "y" to the interactive prompt; Rscript cannot)
res <- get_sensitivity(coin, SA_specs = SA_specs, N = N, SA_type = "SA", dset = "Aggregated",
                       iCode = "Index", Nboot = Nboot, quietly = TRUE, check_addresses = FALSE)
elapsed <- proc.time()[["elapsed"]] - t0
n_regen <- N * (length(SA_specs) + 2)

write.csv(res$RankStats, "coinr_sa_asem_rankstats.csv", row.names = FALSE, na = "NA")
write.csv(res$Sensitivity, "coinr_sa_asem_sobol.csv", row.names = FALSE, na = "NA")
n_failed <- sum(colSums(is.na(res$Scores[names(res$Scores) != "uCode"])) > 0)
info <- sprintf(paste0(
  '{\n  "N": %d,\n  "Nboot": %d,\n  "seed": %d,\n  "n_regenerations": %d,\n',
  '  "n_failed_regenerations": %d,\n  "elapsed_seconds": %.2f,\n',
  '  "seconds_per_regeneration": %.4f,\n  "R": "%s",\n  "COINr": "%s"\n}\n'),
  N, Nboot, seed, n_regen, n_failed, elapsed, elapsed / n_regen,
  paste(R.version$major, R.version$minor, sep = "."), as.character(packageVersion("COINr")))
writeLines(info, "coinr_sa_asem.json")
