; ccrgui per-user Windows installer (NSIS 3, x86-64). No admin rights: installs to
; %LOCALAPPDATA%\Programs\ccrgui, registers .ccr under HKCU\Software\Classes, adds a Start
; menu entry, an entry in "Apps & features" and (optional, on by default) the folder with
; ccr.exe to the user's PATH; the uninstaller removes all of it and gives back what it
; replaced (another program's .ccr association, the PATH as it was).
;
; Build after the PyInstaller build (see packaging/README.md); on Linux options take "-":
;   makensis /DVERSION=0.1.0 packaging\ccrgui.nsi        (Windows)
;   makensis -DVERSION=0.1.0 packaging/ccrgui.nsi        (Linux)
; Options: DIST=<PyInstaller output folder>  OUTFILE=<installer .exe>
; VERSION may be any version string (1.2.0, 1.3.0rc1, 2.0.dev4+g1a2b): the numeric
; Windows file version is made from its leading numbers.
;
; Silent use: setup.exe /S [/D=<folder>]; uninstall.exe /S. While ccrgui runs, both refuse
; (exit code 2; interactively they ask to close it and retry).
;
; The .ccr values come from filetype.nsh, generated from ccrgui/core/filetype.py; a test
; checks that the registry values below are the ones filetype.windows_registry_values()
; builds for "$INSTDIR\ccrgui.exe", and tests/test_packaging.py runs the installer, an
; upgrade and the uninstaller under Wine.

Target amd64-unicode
!include "MUI2.nsh"
!include "Sections.nsh"
!include "filetype.nsh"

!ifndef VERSION
  !error "Give the version: makensis -DVERSION=x.y.z packaging/ccrgui.nsi (/DVERSION on Windows)"
!endif
!ifndef DIST
  !define DIST "..\build\dist\ccrgui"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\build\ccrgui-${VERSION}-setup.exe"
!endif

; the numeric file version (four numbers 0-65535) from whatever VERSION says
!searchparse /noerrors "${VERSION}" "" VER_1 "." VER_2 "." VER_3
!ifndef VER_1
  !define VER_1 0
!endif
!ifndef VER_2
  !define VER_2 0
!endif
!ifndef VER_3
  !define VER_3 0
!endif
!define /math VERN_1 "${VER_1}" + 0
!define /math VERN_2 "${VER_2}" + 0
!define /math VERN_3 "${VER_3}" + 0
!if ${VERN_1} > 65535
  !define /redef VERN_1 65535
!endif
!if ${VERN_2} > 65535
  !define /redef VERN_2 65535
!endif
!if ${VERN_3} > 65535
  !define /redef VERN_3 65535
!endif

!define APP_EXE "ccrgui.exe"
!define DOC_ICON "$INSTDIR\_internal\ccrgui\resources\icons\application-x-configmgr-ccr.ico"
!define STATE_KEY "Software\ccrgui\Installer"  ; what the installer replaced, for the uninstaller
!define ENV_KEY "Environment"
!define SHCNE_ASSOCCHANGED 0x08000000
!define SYNCHRONIZE 0x00100000
!define EXIT_RUNNING 2

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\ccrgui"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
SetCompressor /SOLID lzma

!define MUI_ICON "..\ccrgui\resources\icons\${APP_ID}.ico"
!define MUI_UNICON "..\ccrgui\resources\icons\${APP_ID}.ico"
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERN_1}.${VERN_2}.${VERN_3}.0"
VIFileVersion "${VERN_1}.${VERN_2}.${VERN_3}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "CompanyName" "${APP_PUBLISHER}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "MIT licence"

; ------------------------------------------------------------------ a running ccrgui

!macro CHECK_NOT_RUNNING un
Function ${un}CheckNotRunning
  retry:
    System::Call 'kernel32::OpenMutexW(i ${SYNCHRONIZE}, i 0, w "${APP_MUTEX}") p .r0'
    IntPtrCmp $0 0 not_running
    System::Call 'kernel32::CloseHandle(p r0)'
    IfSilent refuse
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
      "${APP_NAME} is running. Close its windows, then choose Retry." IDRETRY retry
  refuse:
    SetErrorLevel ${EXIT_RUNNING}
    Quit
  not_running:
FunctionEnd
!macroend
!insertmacro CHECK_NOT_RUNNING ""
!insertmacro CHECK_NOT_RUNNING "un."

Function .onInit
  Call CheckNotRunning
FunctionEnd

Function un.onInit
  Call un.CheckNotRunning
FunctionEnd

; ------------------------------------------------------------------ install

Section "ccrgui" SecMain
  SectionIn RO
  SetShellVarContext current
  ; an upgrade: the old version's files go first, so none of them is left behind
  IfFileExists "$INSTDIR\uninstall.exe" 0 fresh
    RMDir /r "$INSTDIR\_internal"
    Delete "$INSTDIR\ccrgui.exe"
    Delete "$INSTDIR\ccr.exe"
  fresh:
  SetOutPath "$INSTDIR"
  File /r "${DIST}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; remember another program's .ccr association (once: an upgrade finds ours there)
  ReadRegStr $0 HKCU "Software\Classes\${CCR_EXT}" ""
  StrCmp $0 "${CCR_PROGID}" ccr_saved
    WriteRegStr HKCU "${STATE_KEY}" "PreviousProgID" "$0"
    ReadRegStr $1 HKCU "Software\Classes\${CCR_EXT}" "Content Type"
    WriteRegStr HKCU "${STATE_KEY}" "PreviousContentType" "$1"
    ReadRegStr $1 HKCU "Software\Classes\${CCR_EXT}" "PerceivedType"
    WriteRegStr HKCU "${STATE_KEY}" "PreviousPerceivedType" "$1"
  ccr_saved:

  ; the .ccr file type, per user (same values as ccr register-filetype writes)
  WriteRegStr HKCU "Software\Classes\${CCR_EXT}" "" "${CCR_PROGID}"
  WriteRegStr HKCU "Software\Classes\${CCR_EXT}" "Content Type" "${CCR_MIME}"
  WriteRegStr HKCU "Software\Classes\${CCR_EXT}" "PerceivedType" "text"
  WriteRegStr HKCU "Software\Classes\${CCR_EXT}\OpenWithProgids" "${CCR_PROGID}" ""
  WriteRegStr HKCU "Software\Classes\${CCR_PROGID}" "" "${CCR_DESCRIPTION}"
  WriteRegStr HKCU "Software\Classes\${CCR_PROGID}" "FriendlyTypeName" "${CCR_DESCRIPTION}"
  WriteRegStr HKCU "Software\Classes\${CCR_PROGID}\DefaultIcon" "" '"${DOC_ICON}"'
  WriteRegStr HKCU "Software\Classes\${CCR_PROGID}\shell" "" "open"
  WriteRegStr HKCU "Software\Classes\${CCR_PROGID}\shell\open" "" "Open with ${APP_NAME}"
  WriteRegStr HKCU "Software\Classes\${CCR_PROGID}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" "%1"'
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i 0, p 0, p 0)'

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 \
    SW_SHOWNORMAL "" "${APP_SUMMARY}"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "URLInfoAbout" "${APP_URL}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\${APP_EXE}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Put the ccr command on my PATH" SecPath
  ; the user's own PATH (HKCU\Environment), never the machine's
  ReadRegStr $0 HKCU "${ENV_KEY}" "Path"
  StrCpy $R0 "$0"
  Call PathHasInstDir
  StrCmp $R1 1 path_done
  StrCmp $0 "" 0 path_append
    WriteRegDWORD HKCU "${STATE_KEY}" "PathCreated" 1
    WriteRegExpandStr HKCU "${ENV_KEY}" "Path" "$INSTDIR"
    Goto path_written
  path_append:
    WriteRegExpandStr HKCU "${ENV_KEY}" "Path" "$0;$INSTDIR"
  path_written:
  WriteRegDWORD HKCU "${STATE_KEY}" "AddedToPath" 1
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=500
  path_done:
SectionEnd

; $R0: a PATH value -> $R1: 1 when one of its entries is $INSTDIR (case-insensitive)
Function PathHasInstDir
  StrCpy $R1 0
  StrCpy $R2 ""  ; the entry being read
  StrCpy $R3 0   ; position
  StrLen $R4 $R0
  loop:
    IntCmp $R3 $R4 last 0 last
    StrCpy $R5 $R0 1 $R3
    IntOp $R3 $R3 + 1
    StrCmp $R5 ";" entry
    StrCpy $R2 "$R2$R5"
    Goto loop
  entry:
    StrCmp $R2 "$INSTDIR" found
    StrCmp $R2 "$INSTDIR\" found
    StrCpy $R2 ""
    Goto loop
  last:
    StrCmp $R2 "$INSTDIR" found
    StrCmp $R2 "$INSTDIR\" found
    Return
  found:
    StrCpy $R1 1
FunctionEnd

; ------------------------------------------------------------------ uninstall

Section "Uninstall"
  SetShellVarContext current
  ; the file type: the ProgID is ours; .ccr gets back what it had before we came
  DeleteRegKey HKCU "Software\Classes\${CCR_PROGID}"
  DeleteRegValue HKCU "Software\Classes\${CCR_EXT}\OpenWithProgids" "${CCR_PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${CCR_EXT}\OpenWithProgids"
  ReadRegStr $0 HKCU "Software\Classes\${CCR_EXT}" ""
  StrCmp $0 "${CCR_PROGID}" 0 ccr_done  ; another program took .ccr since: leave it be
    ReadRegStr $1 HKCU "${STATE_KEY}" "PreviousProgID"
    StrCmp $1 "" 0 +3
      DeleteRegValue HKCU "Software\Classes\${CCR_EXT}" ""
      Goto +2
      WriteRegStr HKCU "Software\Classes\${CCR_EXT}" "" "$1"
    ReadRegStr $1 HKCU "${STATE_KEY}" "PreviousContentType"
    StrCmp $1 "" 0 +3
      DeleteRegValue HKCU "Software\Classes\${CCR_EXT}" "Content Type"
      Goto +2
      WriteRegStr HKCU "Software\Classes\${CCR_EXT}" "Content Type" "$1"
    ReadRegStr $1 HKCU "${STATE_KEY}" "PreviousPerceivedType"
    StrCmp $1 "" 0 +3
      DeleteRegValue HKCU "Software\Classes\${CCR_EXT}" "PerceivedType"
      Goto +2
      WriteRegStr HKCU "Software\Classes\${CCR_EXT}" "PerceivedType" "$1"
  ccr_done:
  DeleteRegKey /ifempty HKCU "Software\Classes\${CCR_EXT}"
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i 0, p 0, p 0)'

  ; the PATH entry, only if the installer added it
  ReadRegDWORD $0 HKCU "${STATE_KEY}" "AddedToPath"
  IntCmp $0 1 0 path_done path_done
    Call un.RemoveInstDirFromPath
  path_done:

  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${STATE_KEY}"
  DeleteRegKey /ifempty HKCU "Software\ccrgui"

  ; only what the installer put there (the PyInstaller folder), never the whole $INSTDIR
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\ccrgui.exe"
  Delete "$INSTDIR\ccr.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd

; HKCU\Environment Path without the $INSTDIR entries; the value goes if the installer
; made it and nothing else is left in it
Function un.RemoveInstDirFromPath
  ReadRegStr $R0 HKCU "${ENV_KEY}" "Path"
  StrCpy $R1 ""  ; the result
  StrCpy $R2 ""  ; the entry being read
  StrCpy $R3 0   ; position
  StrCpy $R6 0   ; entries kept
  StrLen $R4 $R0
  loop:
    IntCmp $R3 $R4 last 0 last
    StrCpy $R5 $R0 1 $R3
    IntOp $R3 $R3 + 1
    StrCmp $R5 ";" 0 +3
      Call un.KeepPathEntry
      Goto loop
    StrCpy $R2 "$R2$R5"
    Goto loop
  last:
    Call un.KeepPathEntry
  ReadRegDWORD $0 HKCU "${STATE_KEY}" "PathCreated"
  StrCmp "$R1" "" 0 write
  IntCmp $0 1 0 write write
    DeleteRegValue HKCU "${ENV_KEY}" "Path"
    Goto notify
  write:
    WriteRegExpandStr HKCU "${ENV_KEY}" "Path" "$R1"
  notify:
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=500
FunctionEnd

; $R2 joins $R1 unless it is $INSTDIR
Function un.KeepPathEntry
  StrCmp $R2 "$INSTDIR" skip
  StrCmp $R2 "$INSTDIR\" skip
  IntCmp $R6 0 0 +3 +3
    StrCpy $R1 "$R2"
    Goto +2
    StrCpy $R1 "$R1;$R2"
  IntOp $R6 $R6 + 1
  skip:
  StrCpy $R2 ""
FunctionEnd
