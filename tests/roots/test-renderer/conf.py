extensions = ["myst_parser", "sphinx_k8sarch"]
numfig = True
nitpicky = True
exclude_patterns = ["_build"]
