"""AvePoint Graph API simulator (test/benchmark double for the avepoint.graph collection)."""
from .dataset import JOB_STATUS_NAMES, generate_customers
from .server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Simulator, SimulatorConfig
from .tls import APP_KEY_PASSPHRASE

__all__ = ["Simulator", "SimulatorConfig", "JOB_STATUS_NAMES", "generate_customers",
           "DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "APP_KEY_PASSPHRASE"]
