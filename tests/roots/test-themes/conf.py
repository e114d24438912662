# The browser tests build this project once per theme: sphinx-build -D html_theme=<theme>.
extensions = ["sphinx_k8sarch"]
project = "k8sarch themes"
language = "en"
numfig = True
nitpicky = True
exclude_patterns = ["_build"]
html_theme = "alabaster"
# pydata-sphinx-theme and sphinx-book-theme log an error without a default mode.
html_context = {"default_mode": "auto"}
k8sarch_download_png = True  # the download tests follow both links
