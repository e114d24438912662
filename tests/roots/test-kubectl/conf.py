extensions = ["myst_parser", "sphinx_k8sarch"]
nitpicky = True
exclude_patterns = ["_build"]
