"""The embedded default: synthetic CLEVR-like scenes, drawn with numpy ray casting."""
