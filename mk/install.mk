# make install: binaries, man pages, systemd units, sysusers.d and tmpfiles.d
# entries, example configurations, and /etc/mip6/mip6.yaml when missing (never
# over an existing one).  Honours DESTDIR and PREFIX (and SBINDIR,
# LIBEXECDIR, MANDIR, UNITDIR, SYSUSERSDIR, TMPFILESDIR, EXAMPLEDIR).
# mip6-priv finds the role binaries in LIBEXECDIR (compiled in), or in
# $MIP6_LIBEXECDIR when set.
INSTALL     ?= install
ROLE_PROGS  := mip6-ha mip6-mn mip6-sig
UNIT_INS    := $(wildcard etc/systemd/*.service.in)
MAN5        := $(wildcard doc/*.5)
MAN8        := $(wildcard doc/*.8)
EXAMPLES    := $(wildcard etc/*.yaml etc/examples/*.yaml)

.PHONY: install uninstall
install: programs
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(EXAMPLEDIR)
	$(INSTALL) -m 0755 $(B)/mip6-priv $(B)/mip6ctl $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0755 $(ROLE_PROGS:%=$(B)/%) $(DESTDIR)$(LIBEXECDIR)/
	$(if $(MAN5),$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	$(if $(MAN8),$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/)
	for u in $(UNIT_INS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' \
		    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' "$$u" \
		    > $(DESTDIR)$(UNITDIR)/$$(basename "$$u" .in) || exit 1; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename "$$u" .in); \
	done
	$(INSTALL) -m 0644 etc/sysusers.d/mip6.conf $(DESTDIR)$(SYSUSERSDIR)/mip6.conf
	$(INSTALL) -m 0644 etc/tmpfiles.d/mip6.conf $(DESTDIR)$(TMPFILESDIR)/mip6.conf
	$(if $(EXAMPLES),$(INSTALL) -m 0644 $(EXAMPLES) $(DESTDIR)$(EXAMPLEDIR)/)
	if [ -f etc/mip6.yaml ] && [ ! -e $(DESTDIR)$(SYSCONFDIR)/mip6/mip6.yaml ]; then \
		$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/mip6 && \
		$(INSTALL) -m 0644 etc/mip6.yaml $(DESTDIR)$(SYSCONFDIR)/mip6/mip6.yaml; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mip6-priv $(DESTDIR)$(SBINDIR)/mip6ctl \
	    $(ROLE_PROGS:%=$(DESTDIR)$(LIBEXECDIR)/%) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8))) \
	    $(UNIT_INS:etc/systemd/%.in=$(DESTDIR)$(UNITDIR)/%) \
	    $(DESTDIR)$(SYSUSERSDIR)/mip6.conf $(DESTDIR)$(TMPFILESDIR)/mip6.conf
