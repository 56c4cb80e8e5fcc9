export DEISCTL_UNITS=/var/lib/infrastructure/deis-units
