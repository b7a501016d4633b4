# Writes the public credit data sets that ship in Debian's R packages as CSV
# files, with a fixed train/test split (30% test) shared by loan_risk and the
# reference scorecard (reference_woe.py).  Run from this directory:
#
#   apt-get install r-base-core r-cran-modeldata
#   apt-get download r-cran-caret r-cran-aer && dpkg -x r-cran-caret_*.deb x && dpkg -x r-cran-aer_*.deb x
#   Rscript export.R x/usr/lib/R/site-library
#
# german_credit.csv  caret's GermanCredit (Hofmann's Statlog German credit,
#                    1000 loans, 300 bad), its one-hot columns folded back
#                    into one categorical column each
# credit_data.csv    modeldata's credit_data (4454 loans, 1254 bad)
# hmda.csv           AER's HMDA (Boston mortgage applications, 2380, 285 denied)
#
# split: "test" when (id * 2654435761) mod 2^32 falls in the lowest 30%.
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args) > 0) args[1] else "/usr/lib/R/site-library"
split_of <- function(id) {
  h <- (as.numeric(id) * 2654435761) %% 4294967296
  ifelse(h < 0.3 * 4294967296, "test", "train")
}
fold <- function(df, prefix) {
  cols <- grep(paste0("^", prefix, "\\."), names(df), value = TRUE)
  m <- as.matrix(df[, cols])
  lev <- sub(paste0("^", prefix, "\\."), "", cols)
  out <- apply(m, 1, function(r) if (sum(r) == 1) lev[which(r == 1)] else NA)
  df[, cols] <- NULL
  df[[prefix]] <- out
  df
}
write <- function(df, file) write.csv(df, file, row.names = FALSE, na = "")

load(file.path(lib, "caret/data/GermanCredit.RData"))
g <- GermanCredit
for (p in c("CheckingAccountStatus", "CreditHistory", "Purpose", "SavingsAccountBonds",
            "EmploymentDuration", "Personal", "OtherDebtorsGuarantors", "Property",
            "OtherInstallmentPlans", "Housing", "Job")) g <- fold(g, p)
g$bad <- as.integer(g$Class == "Bad")
g$Class <- NULL
g <- cbind(id = seq_len(nrow(g)), g)
g$split <- split_of(g$id)
write(g, "german_credit.csv")

suppressMessages(library(modeldata))
data(credit_data)
c <- credit_data
c$bad <- as.integer(c$Status == "bad")
c$Status <- NULL
for (v in names(c)) if (is.factor(c[[v]])) c[[v]] <- as.character(c[[v]])
c <- cbind(id = seq_len(nrow(c)), c)
c$split <- split_of(c$id)
write(c, "credit_data.csv")

load(file.path(lib, "AER/data/HMDA.rda"))
h <- HMDA
h$bad <- as.integer(h$deny == "yes")
h$deny <- NULL
for (v in names(h)) if (is.factor(h[[v]])) h[[v]] <- as.character(h[[v]])
h <- cbind(id = seq_len(nrow(h)), h)
h$split <- split_of(h$id)
write(h, "hmda.csv")
