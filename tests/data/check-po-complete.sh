#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Extracts the strings of po/POTFILES.in afresh (with the keywords and format
# flags of Meson's 'glib' gettext preset) and fails when the catalogue of
# LANG leaves any of them untranslated or fuzzy, or when its format strings
# do not match the English ones, which would crash a printf at run time.
#
# Usage: check-po-complete.sh SOURCE_ROOT DOMAIN LANG
set -eu
root=$1 domain=$2 lang=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xgettext --package-name="$domain" -f "$root/po/POTFILES.in" -D "$root" -o "$tmp/$domain.pot" \
  --from-code=UTF-8 --add-comments \
  -k_ -kN_ -kC_:1c,2 -kNC_:1c,2 -kg_dcgettext:2 -kg_dngettext:2,3 -kg_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$root/po/$lang.po" "$tmp/$domain.pot"

# msgfmt reports "N translated messages[, M fuzzy translations][, K untranslated messages]."
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
echo "$lang: $stats"
case $stats in
  *fuzzy*|*untranslated*)
    echo "not ok: po/$lang.po is incomplete; run ninja -C <build> $domain-update-po and translate:"
    msgattrib --untranslated "$tmp/$lang.po" | sed -n 's/^msgid "\(..*\)"$/  \1/p'
    msgattrib --only-fuzzy "$tmp/$lang.po" | sed -n 's/^msgid "\(..*\)"$/  (fuzzy) \1/p'
    exit 1 ;;
esac
