# Plain-javac build of ftpd and ftp. Test jars are fetched once into build/lib (ignored by git).
SHELL := /bin/bash
# File names are UTF-8 on the wire; the JVM must encode them the same way on disk.
export LC_ALL := C.UTF-8
JAVAC      := javac --release 17 -Xlint:all -Werror -encoding UTF-8
CLASSES    := build/classes
TEST_CLS   := build/test-classes
LIB        := build/lib
JUNIT      := $(LIB)/junit-platform-console-standalone-1.14.1.jar
ASSERTJ    := $(LIB)/assertj-core-3.27.7.jar
MAIN_SRC   := $(shell find src/main/java -name '*.java')
MAIN_RES   := $(shell find src/main/resources -type f 2>/dev/null)
TEST_SRC   := $(shell find src/test/java -name '*.java')
BENCH_CLS  := build/bench-classes
BENCH_SRC  := $(shell find src/bench/java -name '*.java')
# Extra console-launcher arguments, e.g. make test SELECT='--select-class ftp.fs.JailTest'
SELECT     ?= --scan-classpath

.PHONY: all build test bench clean

# Build the server and the client.
all build: $(CLASSES)/.built

$(CLASSES)/.built: $(MAIN_SRC) $(MAIN_RES)
	@rm -rf $(CLASSES) && mkdir -p $(CLASSES)
	@echo "javac: $(words $(MAIN_SRC)) sources -> $(CLASSES)"
	@$(JAVAC) -d $(CLASSES) $(MAIN_SRC)
	@if [ -d src/main/resources ]; then cp -r src/main/resources/. $(CLASSES)/; fi
	@touch $@

# Fetch JUnit and AssertJ once (Maven's local repository caches them); Maven's colour codes are stripped.
$(JUNIT) $(ASSERTJ):
	@mkdir -p $(LIB)
	@echo "fetching JUnit and AssertJ into $(LIB)"
	@set -o pipefail; for a in org.junit.platform:junit-platform-console-standalone:1.14.1 org.assertj:assertj-core:3.27.7; do \
	    mvn -q -B dependency:copy -Dartifact=$$a -DoutputDirectory=$(LIB) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || exit 1; \
	done

$(TEST_CLS)/.built: $(CLASSES)/.built $(TEST_SRC) $(JUNIT) $(ASSERTJ)
	@rm -rf $(TEST_CLS) && mkdir -p $(TEST_CLS)
	@echo "javac: $(words $(TEST_SRC)) test sources -> $(TEST_CLS)"
	@$(JAVAC) -Xlint:-processing -cp $(CLASSES):$(JUNIT):$(ASSERTJ) -d $(TEST_CLS) $(TEST_SRC)
	@touch $@

# The load generator (bench/run.sh builds it the same way); built by the tests too, so a broken one shows.
$(BENCH_CLS)/.built: $(BENCH_SRC)
	@rm -rf $(BENCH_CLS) && mkdir -p $(BENCH_CLS)
	@echo "javac: $(words $(BENCH_SRC)) bench sources -> $(BENCH_CLS)"
	@$(JAVAC) -d $(BENCH_CLS) $(BENCH_SRC)
	@touch $@

# Run every test; the last line is "N passed, M failed". The servers' log lines go to build/test-logs.
test: $(TEST_CLS)/.built $(BENCH_CLS)/.built
	@mkdir -p build/reports build/test-logs
	@java -Xss4m -Djava.util.logging.config.file=src/test/resources/logging.properties -jar $(JUNIT) execute \
	    --class-path $(CLASSES):$(TEST_CLS):$(ASSERTJ) $(SELECT) \
	    --disable-banner --disable-ansi-colors --details=tree --reports-dir=build/reports 2>&1 | tee build/test-output.txt; \
	  status=$${PIPESTATUS[0]}; \
	  passed=$$(sed -n 's/.*\[ *\([0-9]*\) tests successful *\].*/\1/p' build/test-output.txt); \
	  failed=$$(sed -n 's/.*\[ *\([0-9]*\) tests failed *\].*/\1/p' build/test-output.txt); \
	  echo "$${passed:-0} passed, $${failed:-0} failed"; \
	  [ "$$status" -eq 0 ] && [ -n "$$passed" ] && [ "$$passed" -gt 0 ]

# Measure the server with the JDK-only load generator (see BENCHMARKS.md).
bench: $(CLASSES)/.built
	bash bench/run.sh

# Remove build output.
clean:
	rm -rf build
