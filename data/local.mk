# Example cloud-configs: validated by `make check`, shown in the README.
dist_noinst_DATA += \
	%reldir%/examples/coreos-cluster-on-ec2.yml \
	%reldir%/examples/etcd2-cluster.yml \
	%reldir%/examples/realistic.yml

dist_man_MANS += %reldir%/man/nodeinit.1
# coreos-cloudinit is nodeinit under its old name: the same page.
dist_man_MANS += %reldir%/man/coreos-cloudinit.1

# The site configuration: a package marks it a conffile, so an admin's
# edits survive upgrades.
nodeinitconfdir = $(sysconfdir)/nodeinit
dist_nodeinitconf_DATA = %reldir%/nodeinit.conf

# Boot units (issue 5), installed like coreos-cloudinit's, where systemd
# looks for them (configure: pkg-config systemd, or
# --with-systemdsystemunitdir; `make distcheck` keeps them under its prefix).
nodeinit_units_in = \
	%reldir%/units/nodeinit-ec2.service.in \
	%reldir%/units/user-cloudinit@.service.in \
	%reldir%/units/system-cloudinit@.service.in \
	%reldir%/units/user-configdrive.service.in \
	%reldir%/units/user-cloudinit-proc-cmdline.service.in
nodeinit_units_gen = $(nodeinit_units_in:.in=)

dist_systemdsystemunit_DATA = \
	%reldir%/units/user-cloudinit@.path \
	%reldir%/units/media-configdrive.mount \
	%reldir%/units/system-config.target \
	%reldir%/units/user-config.target
nodist_systemdsystemunit_DATA = $(nodeinit_units_gen)
EXTRA_DIST += $(nodeinit_units_in)
CLEANFILES += $(nodeinit_units_gen)

# ExecStart= points at the installed binary: $(bindir) is known at make time
# only (configure leaves it as ${exec_prefix}/bin).
nodeinit_unit_subst = $(AM_V_GEN)$(MKDIR_P) $(@D) && \
	sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/$@.in > $@.tmp && mv $@.tmp $@

%reldir%/units/nodeinit-ec2.service: %reldir%/units/nodeinit-ec2.service.in Makefile
	$(nodeinit_unit_subst)
%reldir%/units/user-cloudinit@.service: %reldir%/units/user-cloudinit@.service.in Makefile
	$(nodeinit_unit_subst)
%reldir%/units/system-cloudinit@.service: %reldir%/units/system-cloudinit@.service.in Makefile
	$(nodeinit_unit_subst)
%reldir%/units/user-configdrive.service: %reldir%/units/user-configdrive.service.in Makefile
	$(nodeinit_unit_subst)
%reldir%/units/user-cloudinit-proc-cmdline.service: %reldir%/units/user-cloudinit-proc-cmdline.service.in Makefile
	$(nodeinit_unit_subst)
