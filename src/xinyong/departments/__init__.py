"""Departments (数据提供单位) that provide credit information."""
