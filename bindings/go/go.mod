module fsp

go 1.19
