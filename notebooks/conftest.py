"""nbmake runs these notebooks in CI: use few replications so that the whole suite stays fast.

The apps read ``VETSIM_UI_REPLICATIONS`` (kernels inherit this process's environment); a user
opening the notebooks in JupyterLab gets the scenario's own replication count.
"""

import os

os.environ.setdefault("VETSIM_UI_REPLICATIONS", "1")
os.environ.setdefault("VETSIM_UI_DRAWS", "20")
os.environ.setdefault("VETSIM_UI_STRICT", "1")  # an app that starts with an error fails the run
