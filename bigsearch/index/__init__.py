from bigsearch.index import whoosh_patches

whoosh_patches.apply()
