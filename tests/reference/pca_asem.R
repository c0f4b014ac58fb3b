# Reference values for methods.weights.pca_weights (tests/test_weights.py).
# The OECD/JRC Handbook (2008, section 6.1) recipe written with base R: eigen() of the correlation
# matrix, factors with eigenvalue > 1, stats::varimax() (Kaiser normalisation), squared loadings
# scaled to unity sum, each indicator assigned to its largest scaled squared loading, factors
# weighted by the variance they explain after rotation.
# Data: the COINr ASEM default build, normalised stage (asem/dset_Normalised.csv), indicators of
# the pillars Physical, ConEcFin and Political.
# Usage (from tests/reference):  Rscript pca_asem.R   -> pca_asem.csv, pca_asem_eigen.csv
x <- read.csv(file.path("asem", "dset_Normalised.csv"))
meta <- read.csv(file.path("asem", "asem_iMeta.csv"))
codes <- meta$iCode[!is.na(meta$Level) & meta$Level == 1 &
                      meta$Parent %in% c("Physical", "ConEcFin", "Political")]
X <- as.matrix(x[, codes])
e <- eigen(cor(X), symmetric = TRUE)
k <- sum(e$values > 1)
L <- e$vectors[, 1:k] %*% diag(sqrt(e$values[1:k]))
Lr <- unclass(stats::varimax(L, normalize = TRUE, eps = 1e-5)$loadings)
sq <- Lr^2
ev <- colSums(sq)
sc <- sweep(sq, 2, ev, "/")
fw <- ev / sum(ev)
a <- apply(sc, 1, which.max)
w <- sc[cbind(seq_len(nrow(sc)), a)] * fw[a]
w <- w / sum(w)
write.csv(data.frame(indicator = codes, weight = w, factor = a,
                     max_scaled_sq_loading = sc[cbind(seq_len(nrow(sc)), a)]),
          "pca_asem.csv", row.names = FALSE)
write.csv(data.frame(component = seq_along(e$values), eigenvalue = e$values),
          "pca_asem_eigen.csv", row.names = FALSE)
