#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The option table (cli_options.def) and what is generated from it:
#  - every option --help lists is known to the parser: some command line
#    with it passes --check-params, or it is refused by name ("option X is
#    not supported yet"); none is ever "unrecognized";
#  - the man page lists the same set of options as --help;
#  - the checked-in man page is what man/gen_man makes of it (make man);
#  - groff -ww renders every man page under man/ without a warning.
# (That one table entry is enough for a new option: unit test_cli_table.)
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)
PAGE=$ROOT/man/makedumpfile.8

run_mdf help --help
expect_rc() { [ "$rc" = "$1" ] || fail "$2: exit status $rc, want $1"; }
expect_rc 0 "--help"
# option lines: "  -c", "  -h, --help", "  --work-dir DIR" (not the table rule "  ------")
awk '/^  --?[A-Za-z]/ { n = $1; sub(/,$/, "", n); print n
                        if ($1 ~ /,$/) print $2 }' help.out | sort -u > help-opts
[ "$(wc -l < help-opts)" -ge 30 ] || { cat help.out; fail "--help lists only $(wc -l < help-opts) options"; }
note "--help lists $(wc -l < help-opts) options"

: > vmlinux; : > file; mkdir -p dir
nacc=0 nref=0
while read -r opt; do
	ok=""
	for val in "" 1 "$TESTTMP/file" "$TESTTMP/dir"; do
		for shape in "in out" "in" "" "-x vmlinux" "--dump-dmesg in out" \
			     "--work-dir dir in out" "-x vmlinux in out" "-c in out"; do
			# shellcheck disable=SC2086
			run_mdf try --check-params $opt ${val:+"$val"} $shape
			if grep -qE "unrecognized option|invalid option" try.out try.err; then
				cat try.out try.err; fail "$opt: not known to the parser"
			fi
			if [ "$rc" = 0 ]; then ok=accepted; break 2; fi
			if [ "$rc" = 1 ] && grep -qF "option $opt is not supported yet" try.out try.err; then
				ok=refused; break 2
			fi
		done
	done
	case $ok in
	accepted) nacc=$((nacc + 1)) ;;
	refused) nref=$((nref + 1)) ;;
	*) fail "$opt: no command line accepts it and it is not refused by name" ;;
	esac
done < help-opts
note "$nacc accepted, $nref refused by name"
# the unsupported list of --help is exactly the set refused by name
sed -n '/^Recognised but not supported yet/,/^$/p' help.out |
	awk '/^  --?[A-Za-z]/ { print $1 }' | sort > help-unsup
[ "$(wc -l < help-unsup)" = "$nref" ] || fail "--help lists $(wc -l < help-unsup) unsupported options, $nref were refused"

# the man page's option list: the tag line after each .TP between
# ".SH OPTIONS" and the next .SH
sed -n '/^\.SH OPTIONS/,/^\.SH [A-Z]/p' "$PAGE" |
	awk 'prev == ".TP" { print } { prev = $0 }' |
	sed 's/\\f[BIRP]//g; s/\\-/-/g' |
	awk '{ n = $1; sub(/,$/, "", n); print n; if ($1 ~ /,$/) print $2 }' | sort -u > man-opts
if ! cmp -s help-opts man-opts; then
	diff help-opts man-opts
	fail "the man page and --help list different options (run make man?)"
fi
note "the man page lists the same $(wc -l < man-opts) options"

GEN_MAN=$(dirname "$MDF")/man/gen_man
[ -x "$GEN_MAN" ] || fail "no $GEN_MAN (make test-bins builds it)"
"$GEN_MAN" "$PAGE" > regenerated.8 || fail "gen_man failed"
if ! cmp -s regenerated.8 "$PAGE"; then
	diff "$PAGE" regenerated.8 | head -40
	fail "man/makedumpfile.8 is out of date: run make man"
fi

command -v groff >/dev/null || skip "groff missing (package groff-base)"
for p in "$ROOT"/man/*.[1-8]; do
	groff -ww -z -man "$p" > groff.out 2>&1 || { cat groff.out; fail "groff failed on $p"; }
	[ ! -s groff.out ] || { cat groff.out; fail "groff warns on $p"; }
	note "groff -ww: $(basename "$p") renders without warnings"
done
echo "options ok"
