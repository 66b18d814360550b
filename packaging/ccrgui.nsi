; ccrgui per-user Windows installer (NSIS 3). No admin rights: installs to
; %LOCALAPPDATA%\Programs\ccrgui, registers .ccr under HKCU\Software\Classes, adds a Start
; menu entry and an entry in "Apps & features"; the uninstaller removes all of it.
;
; Build on Windows after the PyInstaller build (see packaging/README.md):
;   makensis /DVERSION=0.1.0 packaging\ccrgui.nsi
; Options: /DDIST=<PyInstaller output folder>  /DOUTFILE=<installer .exe>
;
; The .ccr values come from filetype.nsh, generated from ccrgui/core/filetype.py; a test
; checks that the registry values below are the ones filetype.windows_registry_values()
; builds for "$INSTDIR\ccrgui.exe".

Unicode true
!include "MUI2.nsh"
!include "filetype.nsh"

!ifndef VERSION
  !error "Give the version: makensis /DVERSION=x.y.z packaging\ccrgui.nsi"
!endif
!ifndef DIST
  !define DIST "..\build\dist\ccrgui"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\build\ccrgui-${VERSION}-setup.exe"
!endif

!define APP_EXE "ccrgui.exe"
!define DOC_ICON "$INSTDIR\_internal\ccrgui\resources\icons\application-x-configmgr-ccr.ico"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ccrgui"
!define SHCNE_ASSOCCHANGED 0x08000000

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\ccrgui"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
SetCompressor /SOLID lzma

!define MUI_ICON "..\ccrgui\resources\icons\${APP_ID}.ico"
!define MUI_UNICON "..\ccrgui\resources\icons\${APP_ID}.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "FileDescription" "${APP_SUMMARY}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "MIT licence"

Section "ccrgui" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File /r "${DIST}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

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
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The ccrgui developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\${APP_EXE}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; the file type: the ProgID is ours; .ccr keeps another program's association
  DeleteRegKey HKCU "Software\Classes\${CCR_PROGID}"
  DeleteRegValue HKCU "Software\Classes\${CCR_EXT}\OpenWithProgids" "${CCR_PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${CCR_EXT}\OpenWithProgids"
  ReadRegStr $0 HKCU "Software\Classes\${CCR_EXT}" ""
  StrCmp $0 "${CCR_PROGID}" 0 +2
    DeleteRegValue HKCU "Software\Classes\${CCR_EXT}" ""
  DeleteRegValue HKCU "Software\Classes\${CCR_EXT}" "Content Type"
  DeleteRegValue HKCU "Software\Classes\${CCR_EXT}" "PerceivedType"
  DeleteRegKey /ifempty HKCU "Software\Classes\${CCR_EXT}"
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i 0, p 0, p 0)'

  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"

  ; only what the installer put there (the PyInstaller folder), never the whole $INSTDIR
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\ccrgui.exe"
  Delete "$INSTDIR\ccr.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
