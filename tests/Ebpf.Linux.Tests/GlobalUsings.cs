global using Xunit;
global using Errno = Ebpf.Maps.Errno;
