/** The run configuration's file names, relative to a workspace folder: a module of its own so the extension's activation reads them without the parser. */
export const CONFIG_FILES = ['.berth.yaml', '.berth.yml', '.vscode/berth.yaml'];
