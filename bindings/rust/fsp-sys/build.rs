// SPDX-License-Identifier: LGPL-2.1-or-later
//! Links libfsp and asks the C compiler for the layouts the tests check.
//!
//! libfsp is found in $FSP_LIB_DIR, else in the source tree's build
//! directory (`make` at the top of the tree), else on the system (-lfsp).
//! The header comes from $FSP_INCLUDE_DIR, else the tree's include/.
use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

const FIELDS: &[(&str, &str)] = &[
    ("fsp_file_info", "mode"),
    ("fsp_file_info", "nlink"),
    ("fsp_file_info", "rdev"),
    ("fsp_file_info", "size"),
    ("fsp_file_info", "creation_time"),
    ("fsp_file_info", "change_time"),
    ("fsp_file_info", "generation"),
    ("fsp_file_info", "reserved"),
    ("fsp_volume_info", "label"),
    ("fsp_volume_params", "volume_serial"),
    ("fsp_volume_params", "volume_creation_time"),
    ("fsp_volume_params", "fsname"),
    ("fsp_volume_params", "subtype"),
    ("fsp_volume_params", "max_file_size"),
    ("fsp_basic_info", "attributes"),
    ("fsp_basic_info", "access_time"),
    ("fsp_basic_info", "creation_time"),
    ("fsp_create_params", "rdev"),
    ("fsp_create_params", "link_target"),
    ("fsp_create_params", "security"),
    ("fsp_create_params", "reserved"),
    ("fsp_fs_interface", "get_volume_info"),
    ("fsp_fs_interface", "lookup"),
    ("fsp_fs_interface", "read"),
    ("fsp_fs_interface", "read_directory"),
    ("fsp_fs_interface", "link"),
    ("fsp_fs_interface", "seek"),
    ("fsp_fs_interface", "lookup_index"),
    ("fsp_fs_interface", "lookup_stream"),
    ("fsp_fs_interface", "delete_reparse_data"),
    ("fsp_fs_interface", "set_security"),
    ("fsp_fs_interface", "reserved"),
    ("fsp_ace", "mask"),
    ("fsp_ace", "sid"),
    ("fsp_acl", "aces"),
    ("fsp_sd", "owner"),
    ("fsp_sd", "group"),
    ("fsp_sd", "dacl"),
    ("fsp_sd", "sacl"),
];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let tree = manifest.join("../../..");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());

    println!("cargo:rerun-if-env-changed=FSP_LIB_DIR");
    println!("cargo:rerun-if-env-changed=FSP_INCLUDE_DIR");
    let libdir = env::var("FSP_LIB_DIR")
        .map(PathBuf::from)
        .ok()
        .or_else(|| Some(tree.join("build")).filter(|d| d.join("libfsp.a").exists()));
    match libdir {
        Some(dir) => {
            // Static: the binding's programs run from anywhere, no rpath.
            let dir = dir.canonicalize().unwrap_or(dir);
            println!("cargo:rerun-if-changed={}", dir.join("libfsp.a").display());
            println!("cargo:rustc-link-search=native={}", dir.display());
            println!("cargo:rustc-link-lib=static=fsp");
            println!("cargo:rustc-link-lib=dylib=uring");
            println!("cargo:rustc-link-lib=dylib=pthread");
        }
        None => println!("cargo:rustc-link-lib=dylib=fsp"),
    }

    let include = env::var("FSP_INCLUDE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| tree.join("include"));
    println!("cargo:rerun-if-changed={}", include.join("fsp/fsp.h").display());
    println!("cargo:rerun-if-changed={}", include.join("fsp/security.h").display());
    let mut c = String::from(
        "#include <stddef.h>\n#include <stdio.h>\n#include <fsp/fsp.h>\n#include <fsp/security.h>\nint main(void) {\n",
    );
    c.push_str("printf(\"pub const C_SIZES: [usize; 11] = [%zu, %zu, %zu, %zu, %zu, %zu, %zu, %zu, %zu, %zu, %zu];\\n\",\n");
    c.push_str("  sizeof(struct fsp_file_info), sizeof(struct fsp_volume_info),\n");
    c.push_str("  sizeof(struct fsp_volume_params), sizeof(struct fsp_basic_info),\n");
    c.push_str("  sizeof(struct fsp_create_params), sizeof(struct fsp_fs_interface),\n");
    c.push_str("  sizeof(struct timespec), sizeof(struct fsp_sid), sizeof(struct fsp_ace),\n");
    c.push_str("  sizeof(struct fsp_acl), sizeof(struct fsp_sd));\n");
    c.push_str(&format!(
        "printf(\"pub const C_OFFSETS: [(&str, usize); {}] = [\\n\");\n",
        FIELDS.len()
    ));
    for (s, f) in FIELDS {
        c.push_str(&format!(
            "printf(\"    (\\\"{s}.{f}\\\", %zu),\\n\", offsetof(struct {s}, {f}));\n"
        ));
    }
    c.push_str("printf(\"];\\n\");\nreturn 0;\n}\n");
    let src = out.join("c_layout.c");
    let exe = out.join("c_layout");
    fs::write(&src, c).unwrap();
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .arg("-I")
        .arg(&include)
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .status()
        .expect("running the C compiler for the layout check");
    assert!(status.success(), "{} failed on {}", cc, src.display());
    let output = Command::new(&exe).output().expect("running c_layout");
    assert!(output.status.success());
    fs::write(out.join("c_layout.rs"), output.stdout).unwrap();
}
