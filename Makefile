# loan_risk: credit risk for micro and small business lending, inside PostgreSQL.
#
#   make demo    install what is needed, build, start a throwaway cluster, run the main job
#   make test    install what is needed, build, run every test suite on throwaway clusters
#   make bench   run the benchmarks in bench/ (long; reports figures, asserts nothing)
#
# The version is set here and only here; loan_risk.control and META.json are
# generated from it (and checked by the test suite).

EXTENSION  = loan_risk
EXTVERSION = 0.1.0

MODULE_big = loan_risk
SRCS       = $(sort $(wildcard src/*.c src/*/*.c))
OBJS       = $(SRCS:.c=.o)

# The install script is the concatenation of every area's SQL, in file-name order.
SQL_SRCS   = $(sort $(wildcard src/sql/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
# Upgrade scripts and frozen install scripts of earlier versions ship as they are.
DATA       = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*.sql))

TESTS        = $(sort $(wildcard sql/*.sql))
REGRESS      = $(patsubst sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

EXTRA_CLEAN = $(DATA_built) src/*.bc src/*/*.bc src/*.d src/*/*.d

PG_CPPFLAGS = -I$(srcdir)/src
# Threads for in-memory kernels (see doc/threads.md).  No -march=native and no
# fast-math: financial results must not depend on the build machine.
PG_CFLAGS  += -fopenmp
SHLIB_LINK += -fopenmp
ifeq ($(WERROR),1)
PG_CFLAGS  += -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
              -Wno-missing-field-initializers -Wno-cast-function-type -Werror
endif
# Instrumented builds (sanitizers, coverage) add their flags here.
PG_CFLAGS  += $(LR_EXTRA_CFLAGS)
SHLIB_LINK += $(LR_EXTRA_LDFLAGS)
# Header dependencies: every object is rebuilt when a header it includes changes.
PG_CFLAGS  += -MMD -MP
# PGXS builds JIT bitcode without PG_CFLAGS (and so without -fopenmp).
override with_llvm = no

# Prefer the PostgreSQL this project targets on Debian 12, then whatever is on PATH.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(PGXS),)
include $(PGXS)
else
all install installcheck:
	@echo "pg_config was not found: run 'make deps' first (or simply 'make demo' / 'make test')" >&2
	@exit 1
endif

-include $(OBJS:.o=.d)

$(DATA_built): $(SQL_SRCS) Makefile
	@{ printf '%s\n' '-- loan_risk $(EXTVERSION): generated from src/sql/*.sql by the Makefile; edit those files.'; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION loan_risk" to load this file. \quit'; \
	   for f in $(SQL_SRCS); do printf '\n-- ---- %s\n' "$$f"; cat $$f; done; } > $@

all: $(EXTENSION).control META.json

$(EXTENSION).control: $(EXTENSION).control.in Makefile
	sed 's/@EXTVERSION@/$(EXTVERSION)/g' $< > $@

META.json: META.json.in Makefile
	sed 's/@EXTVERSION@/$(EXTVERSION)/g' $< > $@

.PHONY: deps demo demo-stop test bench valgrind fuzz-long

deps:
	bash scripts/deps.sh

demo:
	bash scripts/demo.sh

demo-stop:
	bash scripts/demo.sh --stop

test:
	bash test/run.sh

bench:
	bash bench/run.sh

# The long robustness runs (make test runs short versions of both).
valgrind:
	LR_VALGRIND_TESTS=all bash test/suites/valgrind.sh

fuzz-long:
	bash test/fuzz/run.sh 600
