// The one Catch2 main for entitle_tests; every other file under tests/unit/ only adds cases.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
