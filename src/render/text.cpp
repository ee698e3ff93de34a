// Filled by the renderers.
