"""Running the installation: verify the hash chain, anchor its head, migrate and rebuild the
projections, load the policy pack's history.

May use every service package below the entry points.
"""
