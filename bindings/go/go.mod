// SPDX-License-Identifier: LGPL-2.1-or-later
module fsp

go 1.19
