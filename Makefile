# The two commands of the README are `make demo` and `make test`; the rest are for developers.
MVN ?= mvn -B -ntp

.PHONY: test demo build crds manifests format deps

deps:
	./scripts/install-deps.sh

## Installs what is missing, builds everything and runs every test tier (unit, integration, e2e).
test: deps
	$(MVN) verify

## The local demo: two nodes in network namespaces, a failover shown live.
demo: deps
	$(MVN) -q -DskipTests package -pl api,agent -am
	./e2e/demo/demo.sh

build: deps
	$(MVN) -DskipTests package

## Regenerates crds/ (and the chart's copy) from the api classes (the build fails while stale).
crds:
	$(MVN) -pl api test -Dtest=CrdIsUpToDateTest -Dsurefire.failIfNoSpecifiedTests=false -Dhapair.updateCrds=true
	cp crds/*.yml helm/hapair/files/crds/

## Copies crds/ into the chart and renders manifests/install.yaml from it (tests fail while stale).
manifests:
	cp crds/*.yml helm/hapair/files/crds/
	$(MVN) -pl helm -am test -Dtest=InstallManifestTest -Dsurefire.failIfNoSpecifiedTests=false -Dhapair.updateManifests=true

## Rewrites sources in google-java-format (the build checks it).
format:
	$(MVN) spotless:apply
