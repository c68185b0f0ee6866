"""python-docx finds its default header, footer and styles through `parts/../templates/`: the
folder `docx/parts/` must exist on disk, so its modules are collected as files too."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("docx")
module_collection_mode = "pyz+py"
