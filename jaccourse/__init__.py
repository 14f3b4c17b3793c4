"""jaccourse: the companion package of *From the Gaussian Integral to Deep Learning: the Jacobian Matrix*."""
__version__ = "0.1.0"
