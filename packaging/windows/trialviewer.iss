; Inno Setup 6 script: the Windows installer of Trial Protocol Viewer, over the onedir bundle of build.spec.
;
;   python -m pip install -e ".[build]"
;   pyinstaller build.spec --noconfirm           (dist\trialviewer\: trialviewer.exe, trialviewer-cli.exe, _internal\)
;   iscc /DAppVersion=0.1.0 packaging\windows\trialviewer.iss
;
; writes dist\installer\trialviewer-0.1.0-setup.exe. Not built in this project's CI (no Windows there):
; docs/install.md says what to check by hand. The version must be the package's (pyproject.toml);
; tests/release/test_packaging_files.py checks that the default below agrees.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Trial Protocol Viewer"
#define Dist "..\..\dist\trialviewer"

[Setup]
; One id for every version, so a new version replaces the old one (uuid5 of "trialviewer.invalid").
AppId={{D9FD202F-1C14-58F2-8C7A-2C8D0DD7AA7B}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Trial Protocol Viewer
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist\installer
OutputBaseFilename=trialviewer-{#AppVersion}-setup
SetupIconFile=..\icons\trialviewer.ico
UninstallDisplayIcon={app}\trialviewer.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Installs for the current user without administrator rights; an administrator may install for everyone.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern
ChangesAssociations=yes
MinVersion=10.0.17763

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole onedir: both executables and _internal\ (Python, Qt, the bundled protocols and icons).
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\trialviewer.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\trialviewer.exe"; Tasks: desktopicon

[Registry]
; App Paths: "trialviewer" and "trialviewer-cli" start from Run (Win+R) and `start`, without touching PATH.
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\App Paths\trialviewer.exe"; ValueType: string; ValueData: "{app}\trialviewer.exe"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\App Paths\trialviewer-cli.exe"; ValueType: string; ValueData: "{app}\trialviewer-cli.exe"; Flags: uninsdeletekey
; The application, so Explorer offers it under "Open with" for the types it reads.
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\DefaultIcon"; ValueType: string; ValueData: "{app}\trialviewer.exe,0"
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\shell\open\command"; ValueType: string; ValueData: """{app}\trialviewer.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\SupportedTypes"; ValueType: string; ValueName: ".jsonl"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\SupportedTypes"; ValueType: string; ValueName: ".json"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\SupportedTypes"; ValueType: string; ValueName: ".xml"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\SupportedTypes"; ValueType: string; ValueName: ".zip"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\trialviewer.exe\SupportedTypes"; ValueType: string; ValueName: ".html"; ValueData: ""
; A ProgID of its own, listed under each type's OpenWithProgids: offered, never made the default
; (the types' own default values are left alone). JSON Lines, which Windows has no handler for, opens with it.
Root: HKA; Subkey: "Software\Classes\TrialViewer.Record"; ValueType: string; ValueData: "Clinical trial record"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\TrialViewer.Record\DefaultIcon"; ValueType: string; ValueData: "{app}\trialviewer.exe,0"
Root: HKA; Subkey: "Software\Classes\TrialViewer.Record\shell\open\command"; ValueType: string; ValueData: """{app}\trialviewer.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.jsonl\OpenWithProgids"; ValueType: none; ValueName: "TrialViewer.Record"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.json\OpenWithProgids"; ValueType: none; ValueName: "TrialViewer.Record"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.xml\OpenWithProgids"; ValueType: none; ValueName: "TrialViewer.Record"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.zip\OpenWithProgids"; ValueType: none; ValueName: "TrialViewer.Record"; Flags: uninsdeletevalue

[Run]
Filename: "{app}\trialviewer.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The user's library, settings and log (%LOCALAPPDATA%\TrialViewer) are the user's: uninstalling keeps them.
