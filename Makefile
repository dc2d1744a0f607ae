# The two commands of the README are `make demo` and `make test`; the rest are for developers.
MVN ?= mvn -B -ntp

.PHONY: test demo build crds format deps

deps:
	./scripts/install-deps.sh

## Installs what is missing, builds everything and runs every test tier (unit, integration, e2e).
test: deps
	$(MVN) verify

## The local demo: two nodes in network namespaces, a failover shown live.
demo: deps
	@echo "make demo: not yet. The demo arrives with failover (issue 4): two nodes in network" >&2
	@echo "namespaces, writes flowing, the primary killed, the failover timeline. Until then" >&2
	@echo "'make test' is the only command that does anything." >&2
	@exit 2

build: deps
	$(MVN) -DskipTests package

## Regenerates crds/ from the api classes (the build fails while crds/ is stale).
crds:
	$(MVN) -pl api test -Dtest=CrdIsUpToDateTest -Dsurefire.failIfNoSpecifiedTests=false -Dhapair.updateCrds=true

## Rewrites sources in google-java-format (the build checks it).
format:
	$(MVN) spotless:apply
