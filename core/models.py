"""core owns no tables; this module exists so that Django sends core its post_migrate."""
