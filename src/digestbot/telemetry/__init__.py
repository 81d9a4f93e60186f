"""What operators see: logging that outside text cannot forge, and the metrics port."""
