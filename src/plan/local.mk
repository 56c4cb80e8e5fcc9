noinst_LIBRARIES += %reldir%/libplan.a
%canon_reldir%_libplan_a_SOURCES = \
	%reldir%/plan.c %reldir%/plan.h \
	%reldir%/planner.c %reldir%/planner.h %reldir%/plan-internal.h \
	%reldir%/plan-files.c \
	%reldir%/plan-users.c \
	%reldir%/plan-environment.c \
	%reldir%/plan-units.c \
	%reldir%/plan-discovery.c \
	%reldir%/plan-scripts.c \
	%reldir%/render.c \
	%reldir%/netconf.c %reldir%/netconf.h %reldir%/netconf-debian.c %reldir%/netconf-vmware.c %reldir%/netconf-packet.c %reldir%/plan-network.c
%canon_reldir%_libplan_a_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) $(JSONC_CFLAGS)
