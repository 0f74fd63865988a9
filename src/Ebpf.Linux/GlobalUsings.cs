global using Errno = Ebpf.Maps.Errno;
