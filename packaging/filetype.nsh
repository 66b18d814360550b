; Generated from ccrgui/core/filetype.py by tools/make_resources.py; do not edit.
!define CCR_EXT ".ccr"
!define CCR_MIME "application/x-configmgr-ccr"
!define CCR_DESCRIPTION "Configuration Manager client push request"
!define CCR_PROGID "ccrgui.CcrFile"
!define APP_NAME "ccrgui"
!define APP_ID "io.github.ccrgui.ccrgui"
!define APP_URL "https://github.com/ccrgui/ccrgui"
!define APP_SUMMARY "Queue, inspect and resubmit Configuration Manager client push requests"
