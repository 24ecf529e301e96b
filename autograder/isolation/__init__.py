"""Everything about running untrusted code: the sandbox (bubblewrap), the zygote and
its children, the plain-data wire, and the grader's proxies to student functions.
It imports nothing of the checks, the course tools or the registry of assignments."""
