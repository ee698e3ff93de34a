// Filled by the sandbox.
