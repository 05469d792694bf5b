"""The organisers' dashboard on the process's web server: pages, pictures, CSV."""
